import type { KoaContextWithOIDC, interactionPolicy as Policy } from 'oidc-provider';
import { interactionPolicy } from './oidc';

const { Prompt, Check } = interactionPolicy;

/**
 * Every authorization (and every device-code confirmation) goes through our interaction page, which
 * decides on OUR session (cv_session) and OUR consent (the consent service's grants), never on
 * oidc-provider's own session or grant. The page finishes both prompts at once; the checks only make
 * oidc-provider ask until it did.
 */
export function interactionPolicyOf(): Policy.Prompt[] {
  const login = new Prompt(
    { name: 'login', requestable: true },
    new Check('cv_session', 'a Carevault sign-in is required', 'login_required', (ctx: KoaContextWithOIDC) =>
      ctx.oidc.result?.login?.accountId ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
    ),
  );
  const consent = new Prompt(
    { name: 'consent', requestable: true },
    new Check('cv_consent', 'the person decides on the Carevault consent page', 'consent_required', (ctx: KoaContextWithOIDC) =>
      ctx.oidc.result?.consent?.grantId ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
    ),
  );
  return [login, consent];
}
