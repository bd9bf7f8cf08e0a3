package dev.procreg.boot.admin;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.procreg.boot.actuate.RegistriesEndpoint;
import dev.procreg.boot.actuate.RegistriesEndpoint.RegistriesDescriptor;
import dev.procreg.boot.actuate.RegistriesEndpoint.RegistryDescriptor;
import dev.procreg.boot.actuate.RegistriesEndpoint.SupervisorDescriptor;
import dev.procreg.boot.actuate.RegistriesEndpoint.WorkerTypeDescriptor;
import dev.procreg.boot.worker.WorkerTypes;
import dev.procreg.introspect.Introspection;
import dev.procreg.introspect.Introspection.EntryView;
import dev.procreg.introspect.Introspection.KeyEntries;
import dev.procreg.introspect.Introspection.KeyPage;
import dev.procreg.introspect.Introspection.ProcessView;
import dev.procreg.introspect.TerminatePolicy;
import dev.procreg.introspect.Terminated;
import dev.procreg.process.Pid;
import dev.procreg.process.ProcessInfo;
import dev.procreg.supervisor.ChildInfo;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.util.ClassUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The JSON API of the web admin page ({@link ProcessAdminPage}) under
 * {@code /process-admin/api}: what the page polls (the overview, a page of a registry's keys, one
 * process) and the one action, terminating a process.
 *
 * <p>Registry values (a worker's metadata) are sanitized exactly as the {@code registries}
 * endpoint sanitizes them, by the endpoint's own code: hidden unless
 * {@code management.endpoint.registries.show-values} allows, then passed through the
 * {@link SanitizingFunction} beans.
 *
 * <p>Terminating is refused (403) unless {@link ProcessAdminSettings#allowActions() actions are
 * allowed} and, when Spring Security is on the classpath, the current {@code Authentication} has
 * the {@linkplain ProcessAdminSettings#role() admin role}, whatever the application's security
 * configuration lets through. Every action, and every refused one, is logged with the user.
 */
@RestController
@RequestMapping(ProcessAdminController.PATH)
public class ProcessAdminController {

	/** Where the page is served. */
	public static final String PATH = "/process-admin";

	/** The page size of the key table when none is asked for. */
	public static final int DEFAULT_LIMIT = 20;

	private static final Logger logger = LoggerFactory.getLogger(ProcessAdminController.class);

	private static final boolean WEB_SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.web.csrf.CsrfToken", ProcessAdminController.class.getClassLoader());

	private final Introspection introspection;

	private final RegistriesEndpoint registries;

	private final ProcessAdminSettings settings;

	/**
	 * @param introspection the read model of the runtime shown
	 * @param sanitizingFunctions what sanitizes shown values, as for the {@code registries}
	 * endpoint
	 * @param workerTypes the worker types, or {@code null}
	 * @param settings how the page behaves
	 */
	public ProcessAdminController(Introspection introspection, Iterable<SanitizingFunction> sanitizingFunctions,
			@Nullable WorkerTypes workerTypes, ProcessAdminSettings settings) {
		this.introspection = introspection;
		this.registries = new RegistriesEndpoint(introspection, sanitizingFunctions, workerTypes);
		this.settings = settings;
	}

	// ---- the API

	/**
	 * Everything the page shows but the key table and the process view: registries with their
	 * partitions, worker types, top-level supervisors, the supervision tree, process groups, and
	 * what the current user may do.
	 * @param request the request
	 * @return the overview
	 */
	@GetMapping("/api/overview")
	public OverviewDescriptor overview(HttpServletRequest request) {
		RegistriesDescriptor report = this.registries.registries();
		String refusal = refusal();
		return new OverviewDescriptor(report.node(), report.processes(), user(request),
				new ActionsDescriptor(this.settings.allowActions(), refusal == null, refusal),
				(this.settings.springSecurity() && WEB_SECURITY_PRESENT) ? AdminSecurity.csrf(request) : null,
				this.settings.refreshInterval().toMillis(), valuesShown(request), report.registries(),
				report.workers(), report.supervisors(), supervisionTree(), groups());
	}

	/**
	 * One page of a registry's keys, sorted by their text, each entry with its process's status
	 * and restart count.
	 * @param request the request
	 * @param name the registry
	 * @param offset keys to skip
	 * @param limit the page size, at most {@value RegistriesEndpoint#MAX_LIMIT}
	 * @param prefix only keys that start with it
	 * @return the page, 400 for a negative offset or a limit below 1, or 404 for an unknown
	 * registry
	 */
	@GetMapping("/api/registries/{name}/keys")
	public ResponseEntity<KeyPageDescriptor> keys(HttpServletRequest request, @PathVariable String name,
			@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "" + DEFAULT_LIMIT) int limit,
			@RequestParam(required = false) @Nullable String prefix) {
		if (offset < 0 || limit < 1) {
			return ResponseEntity.badRequest().build();
		}
		boolean shown = valuesShown(request);
		KeyPage page = this.introspection
			.keys(name, offset, limit, prefix, true, (registry, key, value) -> this.registries.sanitize(value, shown))
			.orElse(null);
		if (page == null) {
			return ResponseEntity.notFound().build();
		}
		List<KeyRow> rows = new ArrayList<>(page.items().size());
		for (KeyEntries item : page.items()) {
			List<EntryRow> entries = new ArrayList<>(item.entries().size());
			for (EntryView entry : item.entries()) {
				ChildInfo child = entry.child();
				entries.add(new EntryRow(entry.pid().toString(), entry.value(),
						(entry.status() != null) ? lower(entry.status()) : (entry.local() ? "exited" : "remote"),
						(child != null) ? child.restartCount() : null,
						(child != null) ? string(child.lastExitReason()) : null));
			}
			rows.add(new KeyRow(item.key(), entries));
		}
		return ResponseEntity.ok(new KeyPageDescriptor(page.registry(), lower(page.keys()), page.total(),
				page.offset(), page.limit(), shown, rows));
	}

	/**
	 * One process: status, mailbox, links, monitors, names, uptime, and its supervisor's record
	 * of it.
	 * @param pid the pid, as {@code <node.serial>} or {@code node.serial}
	 * @return the process, or 404 when it is not alive
	 */
	@GetMapping("/api/processes/{pid}")
	public ResponseEntity<ProcessDescriptor> process(@PathVariable String pid) {
		ProcessView view = view(pid);
		ProcessInfo info = (view != null) ? view.info() : null;
		if (info == null) {
			return ResponseEntity.notFound().build();
		}
		ChildInfo child = view.child();
		return ResponseEntity.ok(new ProcessDescriptor(info.pid().toString(), lower(info.status()),
				info.mailboxLength(), info.registeredNames(), strings(info.links()), strings(info.monitors()),
				strings(info.monitoredBy()), info.trapExits(), info.startedAt(),
				Duration.between(info.startedAt(), Instant.now()).toMillis(), info.serverClass(),
				string(info.parent()), (child != null) ? lower(child.restart()) : null,
				(child != null) ? child.restartCount() : null,
				(child != null) ? string(child.lastExitReason()) : null));
	}

	/**
	 * Terminates a process: with {@code shutdown} (a server runs {@code terminate}; killed when
	 * it takes longer than 5 seconds) or {@code kill}. Its supervisor, if any, treats the exit as
	 * any other: a permanent child comes back with a new pid.
	 * @param request the request
	 * @param pid the pid, as {@code <node.serial>} or {@code node.serial}
	 * @param reason {@code shutdown} (the default) or {@code kill}
	 * @return 200 with what was done, 403 when actions are not allowed for this user, 404 when the
	 * process is not alive, 400 for another reason
	 */
	@PostMapping("/api/processes/{pid}/terminate")
	public ResponseEntity<?> terminate(HttpServletRequest request, @PathVariable String pid,
			@RequestParam(defaultValue = "shutdown") String reason) {
		String user = user(request);
		String userName = (user != null) ? user : "anonymous (" + request.getRemoteAddr() + ")";
		String refusal = refusal();
		if (refusal != null) {
			logger.warn("Process admin: refused to terminate {} for {}: {}", pid, userName, refusal);
			return ResponseEntity.status(HttpStatus.FORBIDDEN).body(new ErrorDescriptor(refusal));
		}
		TerminatePolicy policy = switch (reason) {
			case "shutdown" -> this.introspection.settings().terminatePolicy();
			case "kill" -> TerminatePolicy.kill();
			default -> null;
		};
		if (policy == null) {
			return ResponseEntity.badRequest()
				.body(new ErrorDescriptor("unknown reason '" + reason + "': use shutdown or kill"));
		}
		Pid target;
		try {
			target = Pid.parse(pid);
		}
		catch (IllegalArgumentException ex) {
			return ResponseEntity.badRequest().body(new ErrorDescriptor(ex.getMessage()));
		}
		Terminated done;
		try {
			done = this.introspection.terminate(target, policy).orElse(null);
		}
		catch (IllegalArgumentException ex) {
			return ResponseEntity.badRequest().body(new ErrorDescriptor(ex.getMessage()));
		}
		if (done == null) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND)
				.body(new ErrorDescriptor("no process " + pid + " is alive"));
		}
		String how = switch (done.how()) {
			case SHUTDOWN -> "shutdown";
			case KILLED -> "kill";
			case KILLED_AFTER_GRACE -> "shutdown, then kill after "
					+ this.introspection.settings().terminateGrace().toMillis() + " ms";
			case STOPPED_BY_SUPERVISOR -> "stopped by its supervisor";
		};
		logger.info("Process admin: {} terminated {} {} ({})", userName, target, done.names(), how);
		return ResponseEntity.ok(new TerminatedDescriptor(target.toString(), done.names(), how, userName));
	}

	// ---- helpers

	/** @return why actions are refused to the current user, or {@code null} when they are not */
	private @Nullable String refusal() {
		if (!this.settings.allowActions()) {
			return "actions are disabled (process-registry.admin.allow-actions=false)";
		}
		if (this.settings.springSecurity() && !AdminSecurity.hasRole(this.settings.role())) {
			return (AdminSecurity.user() == null) ? "actions need a logged-in user with role " + this.settings.role()
					: "actions need role " + this.settings.role();
		}
		return null;
	}

	private @Nullable String user(HttpServletRequest request) {
		if (this.settings.springSecurity()) {
			String user = AdminSecurity.user();
			if (user != null) {
				return user;
			}
		}
		Principal principal = request.getUserPrincipal();
		return (principal != null) ? principal.getName() : null;
	}

	private boolean valuesShown(HttpServletRequest request) {
		return this.settings.showValues().isShown(new RequestSecurityContext(request), this.settings.showValuesRoles());
	}

	/** @return the process behind a pid's text, or {@code null} when the text is no pid */
	private @Nullable ProcessView view(String pid) {
		try {
			return this.introspection.process(Pid.parse(pid)).orElse(null);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private List<SupervisorNode> supervisionTree() {
		return this.introspection.supervisionTree().stream().map(ProcessAdminController::node).toList();
	}

	private static SupervisorNode node(Introspection.SupervisorNode node) {
		List<ChildNode> children = new ArrayList<>(node.children().size());
		for (Introspection.ChildNode child : node.children()) {
			children.add(new ChildNode(child.id(), string(child.pid()), lower(child.type()), lower(child.restart()),
					child.restartCount(), string(child.lastExitReason()), child.lastExitAt(),
					(child.subtree() != null) ? node(child.subtree()) : null));
		}
		return new SupervisorNode(node.pid().toString(), node.name(), lower(node.kind()), lower(node.strategy()),
				node.maxRestarts(), node.maxSeconds(), node.restartsInWindow(), node.restarts(), node.childCount(),
				children);
	}

	private List<ScopeDescriptor> groups() {
		return this.introspection.groups()
			.stream()
			.map((scope) -> new ScopeDescriptor(scope.scope(),
					scope.groups()
						.stream()
						.map((group) -> new GroupDescriptor(group.name(), group.memberCount(), strings(group.members())))
						.toList()))
			.toList();
	}

	private static List<String> strings(List<Pid> pids) {
		return pids.stream().map(Pid::toString).toList();
	}

	private static @Nullable String string(@Nullable Object value) {
		return (value != null) ? value.toString() : null;
	}

	private static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

	/** The request's user, as the actuator endpoints see it. */
	private record RequestSecurityContext(HttpServletRequest request) implements SecurityContext {

		@Override
		public @Nullable Principal getPrincipal() {
			return this.request.getUserPrincipal();
		}

		@Override
		public boolean isUserInRole(String role) {
			return this.request.isUserInRole(role);
		}

	}

	/**
	 * What the page shows besides the key table and the process view.
	 *
	 * @param node the runtime's node name
	 * @param processes live processes
	 * @param user the current user, or {@code null}
	 * @param actions whether the current user may act
	 * @param csrf what an action must send, or {@code null}
	 * @param refreshMillis how often the page refreshes
	 * @param valuesShown whether registry values are shown unsanitized to this user
	 * @param registries every registry by name, with its partitions
	 * @param workers every worker type by registry name
	 * @param supervisors every top-level supervisor of the application
	 * @param supervision the supervision tree, root by root
	 * @param groups process groups, scope by scope
	 */
	public record OverviewDescriptor(String node, int processes, @Nullable String user, ActionsDescriptor actions,
			@Nullable CsrfDescriptor csrf, long refreshMillis, boolean valuesShown,
			Map<String, RegistryDescriptor> registries, Map<String, WorkerTypeDescriptor> workers,
			List<SupervisorDescriptor> supervisors, List<SupervisorNode> supervision, List<ScopeDescriptor> groups) {
	}

	/**
	 * Whether the current user may act.
	 *
	 * @param allowed whether actions are enabled at all
	 * @param permitted whether this user may act
	 * @param refusal why not, or {@code null}
	 */
	public record ActionsDescriptor(boolean allowed, boolean permitted, @Nullable String refusal) {
	}

	/**
	 * The CSRF token an action sends.
	 *
	 * @param headerName the header
	 * @param token its value
	 */
	public record CsrfDescriptor(String headerName, String token) {
	}

	/**
	 * A supervisor in the tree.
	 *
	 * @param pid its process
	 * @param name its name, or {@code null}
	 * @param kind supervisor or dynamic_supervisor
	 * @param strategy its strategy
	 * @param maxRestarts restarts allowed within {@code maxSeconds}
	 * @param maxSeconds the intensity window
	 * @param restartsInWindow restarts counted in the current window
	 * @param restarts restarts it and the supervisors below it made since it started
	 * @param childCount all its children
	 * @param children its first children ({@code process-registry.introspection.max-children})
	 */
	public record SupervisorNode(String pid, @Nullable String name, String kind, String strategy, int maxRestarts,
			int maxSeconds, int restartsInWindow, long restarts, int childCount, List<ChildNode> children) {
	}

	/**
	 * A child in the tree.
	 *
	 * @param id its id
	 * @param pid its process, or {@code null} when it does not run
	 * @param type worker or supervisor
	 * @param restart its restart type
	 * @param restartCount how often it was restarted
	 * @param lastExitReason why it last exited, or {@code null}
	 * @param lastExitAt when, or {@code null}
	 * @param subtree a supervisor child's own tree
	 */
	public record ChildNode(String id, @Nullable String pid, String type, String restart, int restartCount,
			@Nullable String lastExitReason, @Nullable Instant lastExitAt, @Nullable SupervisorNode subtree) {
	}

	/**
	 * The groups of one scope.
	 *
	 * @param scope the scope's name
	 * @param groups its groups with live members
	 */
	public record ScopeDescriptor(String scope, List<GroupDescriptor> groups) {
	}

	/**
	 * A process group.
	 *
	 * @param name the group
	 * @param memberCount all its members
	 * @param members its first members ({@code process-registry.introspection.max-members})
	 */
	public record GroupDescriptor(String name, int memberCount, List<String> members) {
	}

	/**
	 * A page of a registry's keys.
	 *
	 * @param registry the registry
	 * @param keys unique or duplicate
	 * @param total keys matching the prefix
	 * @param offset keys skipped
	 * @param limit the page size
	 * @param valuesShown whether values are unsanitized
	 * @param items the keys
	 */
	public record KeyPageDescriptor(String registry, String keys, int total, int offset, int limit,
			boolean valuesShown, List<KeyRow> items) {
	}

	/**
	 * One key.
	 *
	 * @param key the key's text
	 * @param entries its entries
	 */
	public record KeyRow(String key, List<EntryRow> entries) {
	}

	/**
	 * One entry of a key.
	 *
	 * @param pid the process
	 * @param value its value, sanitized
	 * @param status what the process does
	 * @param restarts how often its supervisor restarted it, or {@code null} when unsupervised
	 * @param lastExitReason why it last exited before this start, or {@code null}
	 */
	public record EntryRow(String pid, @Nullable Object value, String status, @Nullable Integer restarts,
			@Nullable String lastExitReason) {
	}

	/**
	 * One process.
	 *
	 * @param pid the process
	 * @param status running, runnable or waiting
	 * @param mailboxLength messages waiting
	 * @param registeredNames runtime names and registry keys
	 * @param links linked processes
	 * @param monitors processes it monitors
	 * @param monitoredBy processes that monitor it
	 * @param trapExits whether it traps exits
	 * @param startedAt when it started
	 * @param uptimeMillis how long it has run
	 * @param serverClass its GenServer class, or {@code null}
	 * @param parent its supervisor, or {@code null}
	 * @param restart its restart type under that supervisor, or {@code null}
	 * @param restarts how often the supervisor restarted it, or {@code null}
	 * @param lastExitReason why it last exited before this start, or {@code null}
	 */
	public record ProcessDescriptor(String pid, String status, int mailboxLength, List<String> registeredNames,
			List<String> links, List<String> monitors, List<String> monitoredBy, boolean trapExits, Instant startedAt,
			long uptimeMillis, @Nullable String serverClass, @Nullable String parent, @Nullable String restart,
			@Nullable Integer restarts, @Nullable String lastExitReason) {
	}

	/**
	 * What a terminate did.
	 *
	 * @param pid the process
	 * @param registeredNames its names
	 * @param how the reason it was sent
	 * @param user who asked
	 */
	public record TerminatedDescriptor(String pid, List<String> registeredNames, String how, String user) {
	}

	/**
	 * Why a request failed.
	 *
	 * @param error the message
	 */
	public record ErrorDescriptor(String error) {
	}

}
