import type {
  ConnectionSecurity,
  ConnectionSecurityView,
  PeerConnectionInfo,
  PeerConnectionStatus,
  PeerDataTypes,
  PeeringDirection,
  ReplicationJob,
} from '@peerlink/sdk';
import { type MessageKey, useLanguage, useT } from '../../i18n';

/** The Peer Manager's fixed vocabularies, each value with its message. */

export const DATA_TYPES = ['objects', 'files'] as const;
export type DataType = (typeof DATA_TYPES)[number];
export type DirectionChoice = PeeringDirection | 'none';
export const DIRECTION_CHOICES: readonly DirectionChoice[] = ['none', 'export', 'import', 'both'];
export const CLASSIFICATIONS: readonly ConnectionSecurity['classification'][] = [
  'UNCLASSIFIED',
  'CONFIDENTIAL',
  'SECRET',
  'TOP SECRET',
];
/** As the server checks a marking name. */
export const MARKING_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} _.-]{0,63}$/u;

export const DATA_TYPE_LABEL: Record<DataType, MessageKey> = {
  objects: 'page.peerManager.dataType.objects',
  files: 'page.peerManager.dataType.files',
};

export const DIRECTION_LABEL: Record<DirectionChoice, MessageKey> = {
  none: 'page.peerManager.direction.none',
  export: 'page.peerManager.direction.export',
  import: 'page.peerManager.direction.import',
  both: 'page.peerManager.direction.both',
};

const STATUS_LABEL: Record<PeerConnectionStatus, MessageKey> = {
  requested: 'page.peerManager.status.requested',
  expired: 'page.peerManager.status.expired',
  approved: 'page.peerManager.status.approved',
  active: 'page.peerManager.status.active',
  disabled: 'page.peerManager.status.disabled',
  refused: 'page.peerManager.status.refused',
  cancelled: 'page.peerManager.status.cancelled',
  deleted: 'page.peerManager.status.deleted',
};

const HEALTH_LABEL: Record<ReplicationJob['health'], MessageKey> = {
  healthy: 'page.peerManager.health.healthy',
  paused: 'page.peerManager.health.paused',
  unhealthy: 'page.peerManager.health.unhealthy',
};

export const ROLE_LABEL: Record<PeerConnectionInfo['role'], MessageKey> = {
  originator: 'page.peerManager.role.originator',
  acceptor: 'page.peerManager.role.acceptor',
};

export const TRANSPORT_LABEL: Record<PeerConnectionInfo['transport'], MessageKey> = {
  mpx: 'page.peerManager.transport.mpx',
  relay: 'page.peerManager.transport.relay',
};

/** A connection's status as a coloured badge; in English the raw status word (`active`). */
export function StatusBadge({ status }: { status: PeerConnectionStatus }) {
  const t = useT();
  return <span className={`pm-badge pm-status-${status}`}>{t(STATUS_LABEL[status])}</span>;
}

export function HealthBadge({ health }: { health: ReplicationJob['health'] }) {
  const t = useT();
  return <span className={`pm-badge pm-health-${health}`}>{t(HEALTH_LABEL[health])}</span>;
}

/** The remote side's name: its platform title, else its enrollment id. */
export function remoteName(connection: Pick<PeerConnectionInfo, 'remote'>): string {
  return connection.remote.platformTitle ?? connection.remote.enrollmentId;
}

/** Helpers that need the language: dates, durations, data types, security. */
export function useFormat() {
  const t = useT();
  const { language } = useLanguage();
  return {
    date(iso: string | null | undefined): string {
      if (!iso) return '—';
      const date = new Date(iso);
      if (Number.isNaN(date.getTime())) return iso;
      return date.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'medium' });
    },
    duration(ms: number | null | undefined): string {
      if (ms === null || ms === undefined) return '—';
      if (ms < 1000) return t('page.peerManager.duration.ms', { n: Math.round(ms) });
      if (ms < 60_000) return t('page.peerManager.duration.s', { n: Math.round(ms / 100) / 10 });
      if (ms < 3_600_000) return t('page.peerManager.duration.min', { n: Math.round(ms / 6000) / 10 });
      return t('page.peerManager.duration.h', { n: Math.round(ms / 360_000) / 10 });
    },
    number(n: number | null | undefined): string {
      return n === null || n === undefined ? '—' : n.toLocaleString(language);
    },
    dataTypes(types: PeerDataTypes | null | undefined): string {
      const parts = DATA_TYPES.flatMap((type) => {
        const direction = types?.[type];
        return direction
          ? [
              t('page.peerManager.dataTypeDirection', {
                type: t(DATA_TYPE_LABEL[type]),
                direction: t(DIRECTION_LABEL[direction]),
              }),
            ]
          : [];
      });
      return parts.length
        ? parts.join(t('page.peerManager.listSeparator'))
        : t('page.peerManager.dataTypes.none');
    },
    security(security: ConnectionSecurityView | null | undefined): string {
      if (!security) return '—';
      // A marking the viewer may not see comes as null: shown as "Unknown" (R25).
      return security.markings.length
        ? t('page.peerManager.securityWithMarkings', {
            classification: security.classification,
            markings: security.markings
              .map((marking) => marking ?? t('page.peerManager.unknownMarking'))
              .join(t('page.peerManager.listSeparator')),
          })
        : security.classification;
    },
  };
}

/** How often the Peer Manager asks again, so that statuses change on screen without a reload. */
export const POLL_INTERVAL_MS = 2000;
