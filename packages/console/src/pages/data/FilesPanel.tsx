import type { Marking, SpaceFile } from '@peerlink/sdk';
import { type FormEvent, useCallback, useId, useRef, useState } from 'react';
import { api, useApiQuery } from '../../api';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { type MessageKey, useT } from '../../i18n';
import {
  ActionError,
  ApiErrorNotice,
  ConfirmDialog,
  formatBytes,
  StatusMessage,
  Time,
  useAction,
} from '../network/ui';
import { ClassificationSelect, LabelsCell, MarkingsPicker } from './labels';

/** Files travel inside replication chunks: the server refuses larger ones. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Saves bytes as a download named `name` (a Blob behind a temporary link). */
function saveBytes(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.className = 'admin-offscreen';
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A space's files: upload (create or replace by path), download, delete. */
export function FilesPanel({
  spaceId,
  markings,
}: {
  spaceId: string;
  markings: readonly Marking[] | undefined;
}) {
  const t = useT();
  const load = useCallback(() => api.spaceData.listAllFiles(spaceId), [spaceId]);
  const files = useApiQuery(load);
  const [deleting, setDeleting] = useState<SpaceFile | undefined>();
  const [status, setStatus] = useState('');
  const download = useAction();

  const onDownload = async (file: SpaceFile) => {
    const bytes = await download.run(() => api.spaceData.readFile(spaceId, file.fileId));
    if (bytes) {
      saveBytes(bytes, file.path.split('/').pop() || file.fileId);
      setStatus(t('page.data.files.downloaded', { path: file.path }));
    }
  };

  return (
    <div>
      <h2>{t('page.data.files.title')}</h2>
      <StatusMessage>{status}</StatusMessage>
      <UploadForm
        spaceId={spaceId}
        markings={markings}
        onUploaded={(file) => {
          setStatus(t('page.data.files.uploaded', { path: file.path }));
          files.reload();
        }}
      />
      <ActionError action={download} />
      {files.loading && files.data === undefined && <Loading />}
      {files.error !== undefined && <ApiErrorNotice error={files.error} onRetry={files.reload} />}
      {files.data &&
        (files.data.length === 0 ? (
          <p className="admin-empty">{t('page.data.files.empty')}</p>
        ) : (
          <table className="admin-table">
            <caption className="visually-hidden">{t('page.data.files.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('page.data.files.path')}</th>
                <th scope="col">{t('page.data.files.size')}</th>
                <th scope="col">SHA-256</th>
                <th scope="col">{t('page.data.labels')}</th>
                <th scope="col">{t('page.network.ui.updated')}</th>
                <th scope="col">{t('page.network.ui.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {files.data.map((file) => (
                <tr key={file.fileId}>
                  <td data-label={t('page.data.files.path')} className="admin-wrap">
                    <code>{file.path}</code>
                  </td>
                  <td data-label={t('page.data.files.size')}>{formatBytes(file.size)}</td>
                  <td data-label="SHA-256">
                    <code title={file.sha256}>{file.sha256.slice(0, 12)}…</code>
                  </td>
                  <td data-label={t('page.data.labels')}>
                    <LabelsCell classification={file.classification} markings={file.markings} />
                  </td>
                  <td data-label={t('page.network.ui.updated')}>
                    <Time value={file.updatedAt} />
                  </td>
                  <td data-label={t('page.network.ui.actions')}>
                    <span className="admin-buttons">
                      <button
                        type="button"
                        className="button"
                        aria-label={t('page.data.files.downloadFor', { path: file.path })}
                        disabled={download.pending}
                        onClick={() => onDownload(file)}
                      >
                        {t('page.data.files.download')}
                      </button>
                      <button
                        type="button"
                        className="button"
                        aria-label={t('page.data.files.deleteFor', { path: file.path })}
                        onClick={() => setDeleting(file)}
                      >
                        {t('page.network.ui.delete')}
                      </button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}

      {deleting && (
        <ConfirmDialog
          title={t('page.data.files.delete.title', { path: deleting.path })}
          confirmLabel={t('page.network.ui.confirmDelete')}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await api.spaceData.deleteFile(spaceId, deleting.fileId);
            setStatus(t('page.data.files.deleted', { path: deleting.path }));
            files.reload();
          }}
        >
          <p>{t('page.data.files.delete.body')}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function UploadForm({
  spaceId,
  markings,
  onUploaded,
}: {
  spaceId: string;
  markings: readonly Marking[] | undefined;
  onUploaded: (file: SpaceFile) => void;
}) {
  const t = useT();
  const [file, setFile] = useState<File | undefined>();
  const [path, setPath] = useState('');
  const [classification, setClassification] = useState<string>('UNCLASSIFIED');
  const [labels, setLabels] = useState<string[]>([]);
  const [problem, setProblem] = useState<MessageKey | undefined>();
  const action = useAction();
  const input = useRef<HTMLInputElement>(null);
  const ids = { heading: useId(), file: useId(), path: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) {
      setProblem('page.data.files.problem.file');
      input.current?.focus();
      return;
    }
    if (file.size > MAX_FILE_BYTES) {
      setProblem('page.data.files.problem.size');
      return;
    }
    if (path.trim() === '') {
      setProblem('page.data.files.problem.path');
      return;
    }
    setProblem(undefined);
    const uploaded = await action.run(async () =>
      api.spaceData.putFile(spaceId, {
        path: path.trim(),
        content: new Uint8Array(await file.arrayBuffer()),
        classification,
        markings: labels,
      }),
    );
    if (uploaded) {
      setFile(undefined);
      setPath('');
      if (input.current) input.current.value = '';
      onUploaded(uploaded);
    }
  };

  return (
    <form
      className="form admin-card admin-section"
      aria-labelledby={ids.heading}
      onSubmit={submit}
      noValidate
    >
      <h3 id={ids.heading}>{t('page.data.files.upload.title')}</h3>
      <div className="field">
        <label htmlFor={ids.file}>{t('page.data.files.upload.file')}</label>
        <input
          ref={input}
          id={ids.file}
          type="file"
          onChange={(event) => {
            const chosen = event.target.files?.[0];
            setFile(chosen);
            // The path defaults to the file's name; a path typed already stays.
            if (chosen && path.trim() === '') setPath(chosen.name);
            setProblem(chosen && chosen.size > MAX_FILE_BYTES ? 'page.data.files.problem.size' : undefined);
          }}
        />
      </div>
      <TextField
        label={t('page.data.files.upload.path')}
        id={ids.path}
        spellCheck={false}
        autoCapitalize="none"
        value={path}
        placeholder="reports/2026/flight-plan.pdf"
        onChange={setPath}
        hint={t('page.data.files.upload.pathHelp')}
      />
      <ClassificationSelect value={classification} onChange={setClassification} />
      <MarkingsPicker markings={markings} value={labels} onChange={setLabels} />
      {problem && (
        <p className="notice notice-error" role="alert">
          {t(problem)}
        </p>
      )}
      <ActionError action={action} />
      <div className="admin-buttons">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {t('page.data.files.upload.submit')}
        </button>
      </div>
    </form>
  );
}
