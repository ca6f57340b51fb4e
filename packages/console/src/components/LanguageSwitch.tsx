import { useId } from 'react';
import { LANGUAGES, type Language, useLanguage, useT } from '../i18n';

/** English / 简体中文, each named in its own language; the choice is remembered. */
export function LanguageSwitch() {
  const t = useT();
  const { language, setLanguage } = useLanguage();
  const id = useId();
  return (
    <div className="language-switch">
      <label htmlFor={id} className="visually-hidden">
        {t('language.label')}
      </label>
      <select id={id} value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
        {LANGUAGES.map(({ code, name }) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}
