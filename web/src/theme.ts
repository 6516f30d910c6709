/** Light/dark: follows prefers-color-scheme until the user picks one; the choice is remembered. */

export type ThemeChoice = 'auto' | 'light' | 'dark';
const KEY = 'agentstats.theme';

export function themeChoice(): ThemeChoice {
  const t = document.documentElement.dataset.theme;
  return t === 'light' || t === 'dark' ? t : 'auto';
}

export function effectiveTheme(): 'light' | 'dark' {
  const t = themeChoice();
  if (t !== 'auto') return t;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function setTheme(choice: ThemeChoice): void {
  if (choice === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
  try {
    if (choice === 'auto') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    /* private mode */
  }
  window.dispatchEvent(new Event('as-theme'));
}

/** The toggle flips between light and dark, starting from what is shown now. */
export function toggleTheme(): void {
  setTheme(effectiveTheme() === 'dark' ? 'light' : 'dark');
}
