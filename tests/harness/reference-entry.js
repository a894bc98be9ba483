// The JS original, bundled from @backstage/core-app-api 1.20.7's own dist files, so the
// package tests and the benchmark can run both clients in the same page.
export { default as OAuth2 } from '../node_modules/@backstage/core-app-api/dist/apis/implementations/auth/oauth2/OAuth2.esm.js';
export { OAuthRequestManager } from '../node_modules/@backstage/core-app-api/dist/apis/implementations/OAuthRequestApi/OAuthRequestManager.esm.js';
