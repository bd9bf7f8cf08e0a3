package dev.procreg.demo.web;

import org.jspecify.annotations.Nullable;

/**
 * The optional body of {@code POST /api/donors/{donorId}/flows}.
 *
 * @param campaign what the flow is about; {@code general} when absent
 */
public record FlowRequest(@Nullable String campaign) {
}
