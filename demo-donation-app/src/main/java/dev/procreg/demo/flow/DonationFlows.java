package dev.procreg.demo.flow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

import dev.procreg.demo.process.UnavailableException;

import dev.procreg.process.CallTimeoutException;
import dev.procreg.process.Name;
import dev.procreg.process.NoProcessException;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessExitException;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.process.RegisteredName;
import dev.procreg.process.StartResult;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryEntry;
import dev.procreg.supervisor.ChildSpec;
import dev.procreg.supervisor.DynamicSupervisor;
import dev.procreg.supervisor.Restart;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Starts a donor's donation flows under the {@code donation-flows} dynamic supervisor (temporary:
 * a flow that ends is not restarted), lists them from the duplicate {@code flows} registry, and
 * broadcasts to all of them with {@code dispatch}.
 */
@Service
public class DonationFlows {

	/** The name the flows' supervisor is registered under. */
	public static final RegisteredName SUPERVISOR = Name.of("donation-flows");

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

	/** Striped per-donor locks that make the per-donor limit exact. */
	private final ReentrantLock[] donorLocks = new ReentrantLock[64];

	private final ProcessRuntime runtime;

	private final ProcessRegistry<String, Map<String, String>> flows;

	private final ObjectProvider<DonationFlow> flowFactory;

	private final FlowProperties properties;

	public DonationFlows(ProcessRuntime runtime, @Qualifier("flows") ProcessRegistry<String, Map<String, String>> flows,
			ObjectProvider<DonationFlow> flowFactory, FlowProperties properties) {
		this.runtime = runtime;
		this.flows = flows;
		this.flowFactory = flowFactory;
		this.properties = properties;
		for (int i = 0; i < this.donorLocks.length; i++) {
			this.donorLocks[i] = new ReentrantLock();
		}
	}

	/**
	 * Starts a flow of a donor.
	 * @param donorId the donor
	 * @param campaign what the flow is about
	 * @return the flow
	 * @throws TooManyFlowsException when the donor runs the maximum already
	 */
	public FlowInfo start(String donorId, String campaign) {
		ReentrantLock lock = this.donorLocks[Math.floorMod(donorId.hashCode(), this.donorLocks.length)];
		lock.lock();
		try {
			// counted and started under the donor's lock: simultaneous requests cannot both see room
			// for one more (a flow registers in init, so it is counted once startChild returns)
			if (this.flows.lookup(donorId).size() >= this.properties.maxPerDonor()) {
				throw new TooManyFlowsException(donorId, this.properties.maxPerDonor());
			}
			return startChild(donorId, campaign);
		}
		finally {
			lock.unlock();
		}
	}

	private FlowInfo startChild(String donorId, String campaign) {
		String flowId = "flow-" + UUID.randomUUID().toString().substring(0, 8);
		ChildSpec spec = ChildSpec
			.worker(flowId, this.flowFactory::getObject, new DonationFlow.Start(donorId, flowId, campaign))
			.withRestart(Restart.TEMPORARY);
		StartResult result;
		try {
			result = DynamicSupervisor.startChild(this.runtime, SUPERVISOR, spec);
		}
		catch (NoProcessException | ProcessExitException | CallTimeoutException ex) {
			throw new UnavailableException("donation-flows", "flows cannot be started now: the flows' supervisor "
					+ "is not running (" + ex.getMessage() + ")", RETRY_AFTER);
		}
		Pid pid = switch (result) {
			case StartResult.Started(Pid started) -> started;
			case StartResult.MaxChildren(int limit) -> throw new UnavailableException("donation-flows", limit
					+ " flows run, the most allowed (demo.flows.max); try again when some have ended", RETRY_AFTER);
			default -> throw new UnavailableException("donation-flows",
					"the flow " + flowId + " of donor " + donorId + " did not start: " + result, RETRY_AFTER);
		};
		return this.flows.lookup(donorId)
			.stream()
			.filter((entry) -> entry.pid().equals(pid))
			.findFirst()
			.map((entry) -> new FlowInfo(pid.toString(), entry.value(), 0, null))
			.orElseThrow(() -> new IllegalStateException("The flow " + flowId + " ended at once"));
	}

	/**
	 * @param donorId the donor
	 * @return the donor's running flows
	 */
	public List<FlowInfo> list(String donorId) {
		List<FlowInfo> infos = new ArrayList<>();
		for (RegistryEntry<String, Map<String, String>> entry : this.flows.lookup(donorId)) {
			try {
				infos.add(this.runtime.call(entry.pid(), new DonationFlow.Describe(), CALL_TIMEOUT));
			}
			catch (NoProcessException | ProcessExitException | CallTimeoutException ex) {
				// ended meanwhile, or too busy to describe itself
			}
		}
		infos.sort((a, b) -> a.metadata().get("startedAt").compareTo(b.metadata().get("startedAt")));
		return infos;
	}

	/**
	 * Sends a message to every flow of a donor, the document's {@code Registry.dispatch}.
	 * @param donorId the donor
	 * @param update the message
	 * @return how many flows it was sent to
	 */
	public int broadcast(String donorId, DonationUpdate update) {
		int[] sent = { 0 };
		this.flows.dispatch(donorId, (entries) -> entries.forEach((entry) -> {
			this.runtime.send(entry.pid(), update);
			sent[0]++;
		}));
		return sent[0];
	}

	/**
	 * Ends every flow of a donor.
	 * @param donorId the donor
	 * @return how many ended
	 */
	public int stopAll(String donorId) {
		int stopped = 0;
		for (RegistryEntry<String, Map<String, String>> entry : this.flows.lookup(donorId)) {
			try {
				if (DynamicSupervisor.terminateChild(this.runtime, SUPERVISOR, entry.pid())) {
					stopped++;
				}
			}
			catch (NoProcessException | ProcessExitException | CallTimeoutException ex) {
				// the supervisor is gone, and its children with it
			}
		}
		return stopped;
	}

}
