'use strict'

// session-seal/next. (Minimal: issue 13 adds the Next.js helpers; this file only re-exports the SDK
// crypto status from next/sdk-crypto.js, where it is defined.)

const sdkCrypto = require('./sdk-crypto.js')

exports.sdkCryptoStatus = sdkCrypto.sdkCryptoStatus
exports.installSdkCrypto = sdkCrypto.installSdkCrypto
