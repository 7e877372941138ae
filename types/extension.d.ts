// What the extension's scripts find on globalThis: the WebExtension namespace of each
// browser (typed loosely: the code checks what it receives), and the two tables the
// gate's bundle defines (extension/shared/messages.js, pkg/known-documents.js).
declare var browser: any;
declare var chrome: any;
declare var TERMLENS_MESSAGES: Readonly<Record<string, string>>;
declare var TERMLENS_KNOWN_PATTERNS: { id: string, name: string, host: string, subdomains: boolean, pieces: string[] }[] | undefined;
