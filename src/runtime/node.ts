// omnirtc/node — the node UDP adapter (filled by the ICE/adapters issue).
export {};
