/** The linux dataplane driver, loaded by dataplane/drivers.ts only when `--dataplane linux` is chosen. */
export {
  DataplaneUnavailable,
  defaultDnsResponderScript,
  LinuxDriver,
  type LinuxDriverOptions,
  type Logger,
  tbfParams,
} from './linux-driver.js';
