/** The sign-in page: user name, password, the CSRF field, and why the last attempt was refused. */
import { csrfField, e, page, type PageContext } from './html.js';

export function signInPage(c: PageContext, o: { name?: string; error?: string; next?: string }): string {
  const t = c.tx.t;
  const body =
    `<form method="post" action="/signin" class="signin" data-testid="signin-form">${csrfField(c.csrf)}` +
    `<h1>${e(t('signIn'))}</h1>` +
    (o.error ? `<p class="message" data-testid="signin-error">${e(o.error)}</p>` : '') +
    (o.next ? `<input type="hidden" name="next" value="${e(o.next)}">` : '') +
    `<label>${e(t('userName'))}<input type="text" name="name" autocomplete="username" required maxlength="64" value="${e(o.name ?? '')}" data-testid="signin-name"></label>` +
    `<label>${e(t('password'))}<input type="password" name="password" autocomplete="current-password" required maxlength="1024" data-testid="signin-password"></label>` +
    `<button type="submit" data-testid="signin-submit">${e(t('signIn'))}</button></form>`;
  return page(c, t('signIn'), body);
}
