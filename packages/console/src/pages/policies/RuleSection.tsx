import type { EgressRule, IngressRule } from '@peerlink/sdk';
import { type FormEvent, useId, useState } from 'react';
import { api, type Query } from '../../api';
import { SelectField, TextField } from '../../components/Field';
import { type MessageKey, useT } from '../../i18n';
import { ActionError, ApiErrorNotice, ConfirmDialog, StatusMessage, Time, useAction } from '../network/ui';

export type RuleKind = 'ingress' | 'egress';
type Selector = 'enrollmentId' | 'cidr' | 'country' | 'destination';
export type AnyRule = IngressRule | EgressRule;

const SELECTORS: Record<RuleKind, readonly Selector[]> = {
  ingress: ['enrollmentId', 'cidr', 'country'],
  egress: ['enrollmentId', 'destination'],
};

const SELECTOR_LABEL: Record<Selector, MessageKey> = {
  enrollmentId: 'term.enrollmentId',
  cidr: 'page.policies.selector.cidr',
  country: 'page.policies.selector.country',
  destination: 'page.policies.selector.destination',
};

const SELECTOR_HELP: Record<Selector, MessageKey> = {
  enrollmentId: 'page.policies.selector.enrollmentId.help',
  cidr: 'page.policies.selector.cidr.help',
  country: 'page.policies.selector.country.help',
  destination: 'page.policies.selector.destination.help',
};

const SELECTOR_PLACEHOLDER: Record<Selector, string> = {
  enrollmentId: 'enr-…',
  cidr: '203.0.113.0/24',
  country: 'DE',
  destination: 'peer.example.com',
};

const TEXT: Record<
  RuleKind,
  {
    title: MessageKey;
    intro: MessageKey;
    empty: MessageKey;
    formTitle: MessageKey;
    submit: MessageKey;
    added: MessageKey;
    removeFor: MessageKey;
    removeTitle: MessageKey;
    removeBody: MessageKey;
    removed: MessageKey;
  }
> = {
  ingress: {
    title: 'page.policies.ingress.title',
    intro: 'page.policies.ingress.intro',
    empty: 'page.policies.ingress.empty',
    formTitle: 'page.policies.ingress.form',
    submit: 'page.policies.ingress.submit',
    added: 'page.policies.ingress.added',
    removeFor: 'page.policies.ingress.removeFor',
    removeTitle: 'page.policies.ingress.remove.title',
    removeBody: 'page.policies.ingress.remove.body',
    removed: 'page.policies.ingress.removed',
  },
  egress: {
    title: 'page.policies.egress.title',
    intro: 'page.policies.egress.intro',
    empty: 'page.policies.egress.empty',
    formTitle: 'page.policies.egress.form',
    submit: 'page.policies.egress.submit',
    added: 'page.policies.egress.added',
    removeFor: 'page.policies.egress.removeFor',
    removeTitle: 'page.policies.egress.remove.title',
    removeBody: 'page.policies.egress.remove.body',
    removed: 'page.policies.egress.removed',
  },
};

/** What a rule names: its one selector that is set. */
function selectorOf(rule: AnyRule): { selector: Selector; value: string } {
  if (rule.enrollmentId) return { selector: 'enrollmentId', value: rule.enrollmentId };
  if ('cidr' in rule && rule.cidr) return { selector: 'cidr', value: rule.cidr };
  if ('country' in rule && rule.country) return { selector: 'country', value: rule.country };
  if ('destination' in rule && rule.destination) return { selector: 'destination', value: rule.destination };
  return { selector: 'enrollmentId', value: rule.ruleId };
}

/** Every rule of one list, following the markers. */
export async function loadRules(kind: RuleKind): Promise<AnyRule[]> {
  const rules: AnyRule[] = [];
  let marker: string | undefined;
  do {
    const page =
      kind === 'ingress'
        ? await api.peerlink.listIngressRules(marker ? { marker } : {})
        : await api.peerlink.listEgressRules(marker ? { marker } : {});
    rules.push(...page.rules);
    marker = page.isTruncated ? page.nextMarker : undefined;
  } while (marker);
  return rules;
}

/** One policy list (ingress allow-list or egress policy): its rules, adding and removing them. */
export function RuleSection({ kind, rules }: { kind: RuleKind; rules: Query<AnyRule[]> }) {
  const t = useT();
  const text = TEXT[kind];
  const [removing, setRemoving] = useState<AnyRule | undefined>();
  const [status, setStatus] = useState('');
  const headingId = useId();

  return (
    <section className="admin-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t(text.title)}</h2>
      <p className="muted">{t(text.intro)}</p>
      <StatusMessage>{status}</StatusMessage>
      {rules.error !== undefined && <ApiErrorNotice error={rules.error} onRetry={rules.reload} />}
      {rules.data &&
        (rules.data.length === 0 ? (
          <p className="admin-empty">{t(text.empty)}</p>
        ) : (
          <table className="admin-table">
            <caption className="visually-hidden">{t(text.title)}</caption>
            <thead>
              <tr>
                <th scope="col">{t('page.policies.matches')}</th>
                <th scope="col">{t('page.network.ui.description')}</th>
                <th scope="col">{t('page.network.ui.created')}</th>
                <th scope="col">{t('page.network.ui.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {rules.data.map((rule) => {
                const { selector, value } = selectorOf(rule);
                return (
                  <tr key={rule.ruleId}>
                    <td data-label={t('page.policies.matches')}>
                      <span className="admin-stack">
                        <span className="muted small">{t(SELECTOR_LABEL[selector])}</span>
                        <code>{value}</code>
                      </span>
                    </td>
                    <td data-label={t('page.network.ui.description')}>{rule.description || '—'}</td>
                    <td data-label={t('page.network.ui.created')}>
                      <Time value={rule.createdAt} />
                    </td>
                    <td data-label={t('page.network.ui.actions')}>
                      <button
                        type="button"
                        className="button"
                        aria-label={t(text.removeFor, { value })}
                        onClick={() => setRemoving(rule)}
                      >
                        {t('page.network.ui.remove')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ))}

      <AddRuleForm
        kind={kind}
        onAdded={(rule) => {
          setStatus(t(text.added, { value: selectorOf(rule).value }));
          rules.reload();
        }}
      />

      {removing && (
        <ConfirmDialog
          title={t(text.removeTitle, { value: selectorOf(removing).value })}
          confirmLabel={t('page.policies.remove.confirm')}
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            if (kind === 'ingress') await api.peerlink.removeIngressRule(removing.ruleId);
            else await api.peerlink.removeEgressRule(removing.ruleId);
            setStatus(t(text.removed, { value: selectorOf(removing).value }));
            rules.reload();
          }}
        >
          <p>{t(text.removeBody)}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function AddRuleForm({ kind, onAdded }: { kind: RuleKind; onAdded: (rule: AnyRule) => void }) {
  const t = useT();
  const text = TEXT[kind];
  const [selector, setSelector] = useState<Selector>('enrollmentId');
  const [value, setValue] = useState('');
  const [description, setDescription] = useState('');
  const [missing, setMissing] = useState(false);
  const action = useAction();
  const headingId = useId();
  const selectorId = useId();
  const valueId = useId();
  const helpId = useId();
  const descriptionId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = value.trim();
    if (trimmed === '') {
      setMissing(true);
      return;
    }
    setMissing(false);
    const body: Partial<Record<Selector | 'description', string>> = {};
    body[selector] = selector === 'country' ? trimmed.toUpperCase() : trimmed;
    if (description.trim() !== '') body.description = description.trim();
    const rule = await action.run<AnyRule>(() =>
      kind === 'ingress' ? api.peerlink.addIngressRule(body) : api.peerlink.addEgressRule(body),
    );
    if (rule) {
      setValue('');
      setDescription('');
      onAdded(rule);
    }
  };

  return (
    <form className="form admin-card" aria-labelledby={headingId} onSubmit={submit} noValidate>
      <h3 id={headingId}>{t(text.formTitle)}</h3>
      <div className="admin-row">
        <SelectField
          label={t('page.policies.matchBy')}
          id={selectorId}
          value={selector}
          onChange={(value) => {
            setSelector(value as Selector);
            setMissing(false);
          }}
        >
          {SELECTORS[kind].map((option) => (
            <option key={option} value={option}>
              {t(SELECTOR_LABEL[option])}
            </option>
          ))}
        </SelectField>
        <div className="field admin-grow">
          <label htmlFor={valueId}>{t(SELECTOR_LABEL[selector])}</label>
          <input
            id={valueId}
            required
            spellCheck={false}
            autoCapitalize="none"
            value={value}
            placeholder={SELECTOR_PLACEHOLDER[selector]}
            aria-describedby={helpId}
            onChange={(event) => setValue(event.target.value)}
          />
        </div>
      </div>
      <p id={helpId} className="admin-hint">
        {t(SELECTOR_HELP[selector])}
      </p>
      <TextField
        label={t('page.network.ui.descriptionOptional')}
        id={descriptionId}
        maxLength={200}
        value={description}
        onChange={setDescription}
      />
      {missing && (
        <p className="notice notice-error" role="alert">
          {t('page.policies.missingValue', { what: t(SELECTOR_LABEL[selector]) })}
        </p>
      )}
      <ActionError action={action} />
      <div className="admin-buttons">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {t(text.submit)}
        </button>
      </div>
    </form>
  );
}
