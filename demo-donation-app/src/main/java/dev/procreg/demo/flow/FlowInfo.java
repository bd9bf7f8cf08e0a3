package dev.procreg.demo.flow;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A running donation flow.
 *
 * @param pid the flow's process
 * @param metadata what it registered with under the donor id: {@code flowId}, {@code campaign},
 * {@code startedAt}
 * @param updatesReceived how many broadcasts reached it
 * @param lastUpdate the last broadcast it received
 */
public record FlowInfo(String pid, Map<String, String> metadata, int updatesReceived,
		@Nullable DonationUpdate lastUpdate) {
}
