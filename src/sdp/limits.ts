// Bounds on what the parser accepts from a peer (DESIGN.md "Bad input, errors, limits").
// Browsers send a few KiB; these leave ample room for large bundles and trickled candidates.
export const SDP_LIMITS = {
  /** Characters of SDP text accepted by parse(). */
  maxLength: 256 * 1024,
  /** Lines in one description. */
  maxLines: 8192,
  /** m= sections in one description. */
  maxMediaSections: 256,
  /** a=candidate lines in one m= section. */
  maxCandidatesPerMedia: 256,
  /** Formats listed on one m= line (payload types are 0–127 anyway). */
  maxFormats: 128,
  /** Characters in one line. */
  maxLineLength: 8192,
} as const;
