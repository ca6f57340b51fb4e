import type { ConnectionSecurity, PeerConnectionInfo, PeerDataTypes } from '@peerlink/sdk';
import { type FormEvent, useState } from 'react';
import { api } from '../../api';
import { Dialog } from '../../components/Dialog';
import { useT } from '../../i18n';
import { DirectionSelect, FormFooter, SecurityFields } from './fields';
import { DATA_TYPES, type DataType, type DirectionChoice, remoteName } from './format';

const sameMarkings = (a: string[], b: string[]) => [...a].sort().join('\n') === [...b].sort().join('\n');
/** The markings the viewer may see; hidden ones (null) stay in force whatever is proposed (R25). */
const visible = (markings: readonly (string | null)[]) => markings.filter((m): m is string => m !== null);

/**
 * "Set security" on an existing connection: new security (and, if wanted, data types) proposed as a
 * change request; the current settings stay in force until the other side approves it.
 */
export function SetSecurityDialog({
  connection,
  markings,
  onClose,
  onProposed,
}: {
  connection: PeerConnectionInfo;
  markings: readonly string[];
  onClose: () => void;
  onProposed: () => void;
}) {
  const t = useT();
  const [security, setSecurity] = useState<ConnectionSecurity>({
    classification: connection.security.classification,
    markings: visible(connection.security.markings),
  });
  const [types, setTypes] = useState<Record<DataType, DirectionChoice>>({
    objects: connection.dataTypes.objects ?? 'none',
    files: connection.dataTypes.files ?? 'none',
  });
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const securityChanged =
      security.classification !== connection.security.classification ||
      !sameMarkings(security.markings, visible(connection.security.markings));
    const dataTypes: PeerDataTypes = {};
    for (const type of DATA_TYPES) {
      const direction = types[type];
      if (direction !== 'none') dataTypes[type] = direction;
    }
    const typesChanged = DATA_TYPES.some((type) => dataTypes[type] !== connection.dataTypes[type]);
    const missing =
      !securityChanged && !typesChanged
        ? t('page.peerManager.setSecurity.nothingChanged')
        : Object.keys(dataTypes).length === 0
          ? t('page.peerManager.create.needDataType')
          : undefined;
    setProblem(missing);
    if (missing) return;
    setError(undefined);
    setPending(true);
    try {
      await api.peerManager.proposeChange(connection.connectionId, {
        ...(securityChanged ? { security } : {}),
        ...(typesChanged ? { dataTypes } : {}),
      });
      onProposed();
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  }

  return (
    <Dialog title={t('action.setSecurity')} onClose={onClose} wide>
      <form className="form" onSubmit={submit} noValidate>
        <p className="muted">{t('page.peerManager.setSecurity.intro', { remote: remoteName(connection) })}</p>
        <SecurityFields
          legend={t('page.peerManager.setSecurity.securityLegend')}
          value={security}
          onChange={setSecurity}
          markingSuggestions={markings}
        />
        <fieldset className="pm-fieldset">
          <legend className="pm-legend">{t('page.peerManager.field.dataTypes')}</legend>
          <div className="pm-field-pair">
            {DATA_TYPES.map((type) => (
              <DirectionSelect
                key={type}
                dataType={type}
                value={types[type]}
                onChange={(direction) => setTypes((previous) => ({ ...previous, [type]: direction }))}
              />
            ))}
          </div>
        </fieldset>
        <FormFooter
          problem={problem}
          error={error}
          pending={pending}
          submitLabel={t('page.peerManager.setSecurity.submit')}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}
