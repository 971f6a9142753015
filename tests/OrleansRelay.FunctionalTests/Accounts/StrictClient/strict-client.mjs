// A standards-strict OAuth 2 client (oauth4webapi) against a running edge, run by OAuthStrictClientTests.
// Every step uses the library's own checks (issuer, state, iss, token response shape); the relay-specific parts are
// only the consent (posted as the consent page posts it, with the user's session token) and a relayed request.
// Prints "ok <step>" per step; any failure throws, and the process exits non-zero with the reason.
import * as oauth from "oauth4webapi";

const env = (name) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const issuer = new URL(env("ISSUER"));
const client = { client_id: env("CLIENT_ID") };
const clientAuth = oauth.ClientSecretBasic(env("CLIENT_SECRET"));
const redirectUri = env("REDIRECT_URI");
const device = env("DEVICE_ID");
// The test edge speaks plain HTTP on loopback; everything else is checked as strictly as over HTTPS.
const http = { [oauth.allowInsecureRequests]: true };
const ok = (step) => console.log(`ok ${step}`);

async function expectOAuthError(promise, error, step) {
  try {
    await promise;
  } catch (e) {
    if (e instanceof oauth.ResponseBodyError && e.error === error) { ok(step); return; }
    throw new Error(`${step}: expected ${error}, got ${e}`);
  }
  throw new Error(`${step}: expected ${error}, got a success`);
}

// Discovery (RFC 8414 and OpenID Connect Discovery): the issuer must equal where the metadata is served.
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...http, algorithm: "oauth2" }));
const oidc = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
if (oidc.issuer !== as.issuer) { throw new Error("the two discovery documents name different issuers"); }
if (JSON.stringify(as.code_challenge_methods_supported) !== JSON.stringify(["S256"])) {
  throw new Error(`code_challenge_methods_supported: ${JSON.stringify(as.code_challenge_methods_supported)}`);
}
if (!as.revocation_endpoint || !as.introspection_endpoint || as.authorization_response_iss_parameter_supported !== true) {
  throw new Error("revocation, introspection or the iss response parameter is not advertised");
}
ok("discovery");

/** Authorization code with PKCE (S256) and state; returns the validated callback parameters and the verifier. */
async function authorize() {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client.client_id, redirect_uri: redirectUri, response_type: "code", scope: "devices offline_access",
    state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256",
  }).toString();
  const page = await fetch(url, { redirect: "manual" });
  if (page.status !== 200) { throw new Error(`consent page: ${page.status}`); }
  const form = new URLSearchParams(url.searchParams);
  form.append("decision", "allow");
  form.append("device", device);
  form.append("access_token", env("USER_TOKEN"));
  const consent = await fetch(as.authorization_endpoint, { method: "POST", body: form, redirect: "manual" });
  const location = consent.headers.get("location");
  if (consent.status !== 302 || !location?.startsWith(redirectUri)) { throw new Error(`consent: ${consent.status} ${location}`); }
  const callback = new URL(location);
  // A callback with another state is refused by the library, as is one with another iss.
  try { oauth.validateAuthResponse(as, client, callback, oauth.generateRandomState()); throw new Error("a wrong state was accepted"); } catch (e) { if (!(e instanceof oauth.OperationProcessingError)) { throw e; } }
  const forged = new URL(callback); forged.searchParams.set("iss", "https://attacker.example/");
  try { oauth.validateAuthResponse(as, client, forged, state); throw new Error("a wrong iss was accepted"); } catch (e) { if (!(e instanceof oauth.OperationProcessingError)) { throw e; } }
  return { params: oauth.validateAuthResponse(as, client, callback, state), verifier };
}

const exchange = (grant) => oauth.authorizationCodeGrantRequest(as, client, clientAuth, grant.params, redirectUri, grant.verifier, http)
  .then(response => oauth.processAuthorizationCodeResponse(as, client, response));
const refresh = (token) => oauth.refreshTokenGrantRequest(as, client, clientAuth, token, http)
  .then(response => oauth.processRefreshTokenResponse(as, client, response));
const introspect = (token) => oauth.introspectionRequest(as, client, clientAuth, token, http)
  .then(response => oauth.processIntrospectionResponse(as, client, response));
/** The status of a relayed request with <token> (the library throws on a 401 with its WWW-Authenticate challenge). */
async function relay(token) {
  try {
    return (await oauth.protectedResourceRequest(token, "GET", new URL(`/v1/devices/${device}/api/hello`, issuer), undefined, undefined, http)).status;
  } catch (e) {
    if (e instanceof oauth.WWWAuthenticateChallengeError) { return e.response.status; }
    throw e;
  }
}

// 1. Code exchange, a relayed request, refresh rotation, introspection; then a replayed refresh token kills the grant.
const first = await authorize();
ok("authorization response (state and iss checked)");
const tokens = await exchange(first);
if (!tokens.refresh_token) { throw new Error("no refresh token for offline_access"); }
ok("code exchange");
if (await relay(tokens.access_token) !== 200) { throw new Error("the access token does not reach the device"); }
ok("relayed request");
const rotated = await refresh(tokens.refresh_token);
if (!rotated.refresh_token || rotated.refresh_token === tokens.refresh_token) { throw new Error("the refresh token did not rotate"); }
ok("refresh rotation");
const active = await introspect(rotated.access_token);
if (active.active !== true || active.client_id !== client.client_id || typeof active.sub !== "string") { throw new Error(`introspection: ${JSON.stringify(active)}`); }
ok("introspection");
await expectOAuthError(refresh(tokens.refresh_token), "invalid_grant", "refresh token replay refused");
if ((await introspect(rotated.access_token)).active !== false) { throw new Error("the grant survived a refresh token replay"); }
ok("refresh token replay revoked the grant");

// 2. A code presented twice: refused, and the tokens it gave die with the grant.
const second = await authorize();
const secondTokens = await exchange(second);
await expectOAuthError(exchange(second), "invalid_grant", "code replay refused");
if ((await introspect(secondTokens.access_token)).active !== false) { throw new Error("the grant survived a code replay"); }
ok("code replay revoked the grant");

// 3. Revocation (RFC 7009) of the refresh token: its access token stops working too.
const third = await exchange(await authorize());
await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, third.refresh_token, { ...http, additionalParameters: { token_type_hint: "refresh_token" } }));
ok("revocation");
if ((await introspect(third.access_token)).active !== false) { throw new Error("introspection still reports the revoked grant active"); }
if (await relay(third.access_token) !== 401) { throw new Error("the revoked grant's access token still reaches the device"); }
ok("revoked access token refused at the relay (401 with a Bearer challenge)");
await expectOAuthError(refresh(third.refresh_token), "invalid_grant", "revoked refresh token refused");
console.log("all steps passed");
