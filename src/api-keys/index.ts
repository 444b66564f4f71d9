/** API keys: making them, their stored form (hashes only), checking presented keys and their scopes. */
export {
  compileApiKeyStore,
  createApiKey,
  DEFAULT_API_KEY_PREFIX,
  formatStoredKey,
  hasScopes,
  parseApiKey,
  parseStoredKey,
  readBearerOrHeader,
  type ApiKeyStore,
  type ApiKeyVerification,
  type CreateApiKeyOptions,
  type StoredApiKey,
} from './api-keys.js';
