// omnirtc/dtls — public surface of this protocol module. Filled by its own issue;
// nothing here pretends to work before then.
export {};
