// The types of binding.js, napi-rs's generated loader, so that a type check of index.js stops there: it
// loads the API that index.d.ts declares.
export * from './index'
