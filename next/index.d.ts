export { sdkCryptoStatus, installSdkCrypto } from './sdk-crypto'
export type { SdkCryptoStatus, SdkCryptoReason, SdkCryptoCounts, SdkCookieCrypto } from './sdk-crypto'
