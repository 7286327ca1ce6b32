// omnirtc/deno — the deno UDP adapter (filled by the ICE/adapters issue).
export {};
