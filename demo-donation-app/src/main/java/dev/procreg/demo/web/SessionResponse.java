package dev.procreg.demo.web;

/**
 * The answer to {@code POST /api/donors/{donorId}/session}.
 *
 * @param donorId the donor
 * @param pid the session process
 * @param started whether this request started it (201) or found it running (200)
 */
public record SessionResponse(String donorId, String pid, boolean started) {
}
