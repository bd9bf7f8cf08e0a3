package dev.procreg.demo.web;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * The body of {@code POST /api/donors/{donorId}/flows}: a JSON object, {@code {}} for defaults.
 *
 * @param campaign what the flow is about; {@code general} when absent
 */
public record FlowRequest(@JsonDeserialize(using = StrictTextDeserializer.class) @Nullable String campaign) {
}
