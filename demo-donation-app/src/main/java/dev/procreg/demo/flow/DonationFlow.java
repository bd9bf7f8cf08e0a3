package dev.procreg.demo.flow;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.procreg.process.ExitReason;
import dev.procreg.process.From;
import dev.procreg.process.GenServer;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegisterResult;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.annotation.Scope;
import org.springframework.stereotype.Component;

/**
 * One donation flow of a donor (a campaign page the donor has open, say): registered under the
 * donor id in the duplicate {@code flows} registry with its metadata, so that a donor's flows are
 * found together and a broadcast ({@code dispatch}) reaches all of them.
 */
@Component
@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
public class DonationFlow extends GenServer<DonationFlow.State> {

	private final ProcessRegistry<String, Map<String, String>> flows;

	private final Duration idleTimeout;

	private final Clock clock;

	public DonationFlow(@Qualifier("flows") ProcessRegistry<String, Map<String, String>> flows,
			FlowProperties properties, Clock clock) {
		this.flows = flows;
		this.idleTimeout = properties.idleTimeout();
		this.clock = clock;
	}

	@Override
	protected Init<State> init(@Nullable Object arg) {
		Start start = (Start) arg;
		Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put("flowId", start.flowId());
		metadata.put("campaign", start.campaign());
		metadata.put("startedAt", this.clock.instant().toString());
		metadata = Collections.unmodifiableMap(metadata);
		if (this.flows.register(start.donorId(), metadata) instanceof RegisterResult.AlreadyRegistered taken) {
			return Init.stop(ExitReason.of("flow already registered by " + taken.owner()));
		}
		return ok(new State(metadata, 0, null), this.idleTimeout);
	}

	@Override
	protected Result<State> handleCall(Object request, From from, State state) {
		if (request instanceof Describe) {
			return reply(new FlowInfo(self().toString(), state.metadata(), state.updatesReceived(),
					state.lastUpdate()), state, this.idleTimeout);
		}
		throw new IllegalArgumentException("A donation flow does not answer " + request);
	}

	@Override
	protected Result<State> handleInfo(Object message, State state) {
		return switch (message) {
			case Timeout.TIMEOUT -> stop(ExitReason.NORMAL, state);
			case DonationUpdate update ->
				noReply(new State(state.metadata(), state.updatesReceived() + 1, update), this.idleTimeout);
			default -> noReply(state, this.idleTimeout);
		};
	}

	/**
	 * How a flow starts.
	 *
	 * @param donorId the donor
	 * @param flowId the flow's id
	 * @param campaign the campaign it is about
	 */
	public record Start(String donorId, String flowId, String campaign) {
	}

	/** Asks a flow for its {@link FlowInfo}. */
	public record Describe() {
	}

	/**
	 * A flow's state.
	 *
	 * @param metadata what it registered with
	 * @param updatesReceived how many broadcasts reached it
	 * @param lastUpdate the last one
	 */
	public record State(Map<String, String> metadata, int updatesReceived, @Nullable DonationUpdate lastUpdate) {
	}

}
