import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { en, type MessageKey, type Messages } from './en';
import { zhCN } from './zh-CN';

export type { MessageKey, Messages };

/** The console's languages: the code (also `<html lang>`), its own name, its catalogue. */
export const LANGUAGES = [
  { code: 'en', name: 'English', messages: en },
  { code: 'zh-CN', name: '简体中文', messages: zhCN },
] as const satisfies readonly { code: string; name: string; messages: Messages }[];

export type Language = (typeof LANGUAGES)[number]['code'];
export type Params = Record<string, string | number>;
/** A message in the current language, `{name}` replaced from `params`. */
export type Translate = (key: MessageKey, params?: Params) => string;

const STORAGE_KEY = 'peerlink.console.language';

function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((language) => language.code === value);
}

/** The remembered choice, else the browser's preference (any Chinese reads Simplified), else English. */
export function initialLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(saved)) return saved;
  } catch {
    // Storage can be disabled; the choice then lasts for the page only.
  }
  const preferred = typeof navigator === 'undefined' ? [] : navigator.languages;
  for (const tag of preferred) {
    if (/^zh\b/i.test(tag)) return 'zh-CN';
    if (/^en\b/i.test(tag)) return 'en';
  }
  return 'en';
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

export function translate(language: Language, key: MessageKey, params?: Params): string {
  const messages: Messages = LANGUAGES.find((l) => l.code === language)?.messages ?? en;
  const text = messages[key];
  if (params === undefined) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

interface I18nValue {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
}

const I18nContext = createContext<I18nValue | undefined>(undefined);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // See initialLanguage.
    }
  }, []);

  const value = useMemo<I18nValue>(
    () => ({ language, setLanguage, t: (key, params) => translate(language, key, params) }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (value === undefined) throw new Error('useT and useLanguage need an <I18nProvider> above them');
  return value;
}

/** `const t = useT(); t('nav.spaces')`. */
export function useT(): Translate {
  return useI18n().t;
}

export function useLanguage(): { language: Language; setLanguage: (language: Language) => void } {
  const { language, setLanguage } = useI18n();
  return { language, setLanguage };
}
