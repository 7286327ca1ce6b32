// omnirtc/bun — the bun UDP adapter (filled by the ICE/adapters issue).
export {};
