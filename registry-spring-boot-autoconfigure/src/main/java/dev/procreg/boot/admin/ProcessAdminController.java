package dev.procreg.boot.admin;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import dev.procreg.introspect.AuditLog;
import dev.procreg.introspect.ProcessQuery;
import dev.procreg.introspect.ProcessTable;
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
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The JSON API of the web admin page (the operator console, served by {@link ProcessAdminPage})
 * under {@code /process-admin/api}: the overview, registries and a page of their keys, the process
 * table (paged, sorted and searched on the server) and one process, the supervision tree,
 * groups, the audit log, and the one action, terminating a process. The history, events, metrics
 * and health are {@link AdminEventsController}'s. Every failure is an RFC 9457 problem detail.
 *
 * <p>Registry values (a worker's metadata) are sanitized exactly as the {@code registries}
 * endpoint sanitizes them, by the endpoint's own code: hidden unless
 * {@code management.endpoint.registries.show-values} allows, then passed through the
 * {@link SanitizingFunction} beans.
 *
 * <p>Terminating is refused (403) unless {@link ProcessAdminSettings#allowActions() actions are
 * allowed} and, when Spring Security is on the classpath, the current {@code Authentication} has
 * the {@linkplain ProcessAdminSettings#role() admin role}, whatever the application's security
 * configuration lets through. A supervisor, a registered singleton (a registered name or a key of
 * a unique registry) and a supervisor's last running child are terminated only when the request
 * carries the name the console shows for it ({@code 428 Precondition Required} otherwise, with the
 * {@code expected} text). Every action, accepted or not, is logged with the user and audited.
 */
@RestController
@RequestMapping(ProcessAdminController.PATH)
public class ProcessAdminController {

	/** Where the page is served. */
	public static final String PATH = "/process-admin";

	/** The page size of the key table when none is asked for. */
	public static final int DEFAULT_LIMIT = 20;

	/** The page size of the process table when none is asked for. */
	public static final int DEFAULT_PROCESS_LIMIT = 50;

	private static final Logger logger = LoggerFactory.getLogger(ProcessAdminController.class);

	private static final boolean WEB_SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.web.csrf.CsrfToken", ProcessAdminController.class.getClassLoader());

	private final Introspection introspection;

	private final RegistriesEndpoint registries;

	private final ProcessAdminSettings settings;

	private final AdminConsole console;

	/**
	 * @param console what the console keeps: the read model, history, events, audit, process table
	 * @param sanitizingFunctions what sanitizes shown values, as for the {@code registries}
	 * endpoint
	 * @param workerTypes the worker types, or {@code null}
	 * @param settings how the page behaves
	 */
	public ProcessAdminController(AdminConsole console, Iterable<SanitizingFunction> sanitizingFunctions,
			@Nullable WorkerTypes workerTypes, ProcessAdminSettings settings) {
		this.console = console;
		this.introspection = console.introspection();
		this.registries = new RegistriesEndpoint(this.introspection, sanitizingFunctions, workerTypes);
		this.settings = settings;
	}

	// ---- the API

	/**
	 * The console's home: node, uptime, counts, top-level supervisors and health, who the user
	 * is and what they may do, and the registries and worker types with their counters. The
	 * supervision tree and the groups have their own endpoints.
	 * @param request the request
	 * @return the overview
	 */
	@GetMapping("/api/overview")
	public OverviewDescriptor overview(HttpServletRequest request) {
		RegistriesDescriptor report = this.registries.registries();
		String refusal = refusal();
		Introspection.HealthView health = this.introspection.health();
		Introspection.Counts counts = this.introspection.counts();
		Instant startedAt = this.introspection.runtime().startedAt();
		return new OverviewDescriptor(report.node(), startedAt, Duration.between(startedAt, Instant.now()).toMillis(),
				counts, new HealthDescriptor(health.up(), health.error()), report.processes(), user(request),
				new ActionsDescriptor(this.settings.allowActions(), refusal == null, refusal),
				(this.settings.springSecurity() && WEB_SECURITY_PRESENT) ? AdminSecurity.csrf(request) : null,
				this.settings.refreshInterval().toMillis(), this.console.settings().historyInterval().toMillis(),
				valuesShown(request), report.registries(), report.workers(), report.supervisors());
	}

	/**
	 * Every registry with its counters, every worker type and every top-level supervisor.
	 * @return the registries
	 */
	@GetMapping("/api/registries")
	public RegistriesDescriptor registries() {
		return this.registries.registries();
	}

	/**
	 * One page of a registry's keys, sorted by their text, each entry with its process's status
	 * and restart count.
	 * @param request the request
	 * @param name the registry
	 * @param offset keys to skip
	 * @param limit the page size, at most {@value RegistriesEndpoint#MAX_LIMIT}
	 * @param prefix only keys that start with it
	 * @return the page; a 400 problem for a negative offset or a limit below 1, 404 for an
	 * unknown registry
	 */
	@GetMapping("/api/registries/{name}/keys")
	public KeyPageDescriptor keys(HttpServletRequest request, @PathVariable String name,
			@RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "" + DEFAULT_LIMIT) int limit,
			@RequestParam(required = false) @Nullable String prefix) {
		if (offset < 0 || limit < 1 || limit > RegistriesEndpoint.MAX_LIMIT) {
			throw AdminProblem.of(HttpStatus.BAD_REQUEST, "offset must be at least 0 and limit from 1 to "
					+ RegistriesEndpoint.MAX_LIMIT + ", were " + offset + " and " + limit);
		}
		boolean shown = valuesShown(request);
		KeyPage page = this.introspection
			.keys(name, offset, limit, prefix, true, (registry, key, value) -> this.registries.sanitize(value, shown))
			.orElseThrow(() -> AdminProblem.of(HttpStatus.NOT_FOUND, "no registry is named '" + name + "'"));
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
		return new KeyPageDescriptor(page.registry(), lower(page.keys()), page.total(), page.offset(), page.limit(),
				shown, rows);
	}

	/**
	 * One page of the process table, sorted and searched on the server from one shared snapshot.
	 * @param offset rows to skip, at least 0
	 * @param limit rows to return, 1 to {@value ProcessQuery#MAX_LIMIT}
	 * @param sort {@code pid}, {@code mailbox}, {@code messages}, {@code uptime} or {@code restarts}
	 * @param dir {@code asc} or {@code desc}
	 * @param q a pid, or the start of a registered name or registry key
	 * @return the page; a 400 problem naming a bad parameter
	 */
	@GetMapping("/api/processes")
	public ProcessPageDescriptor processes(@RequestParam(defaultValue = "0") int offset,
			@RequestParam(defaultValue = "" + DEFAULT_PROCESS_LIMIT) int limit,
			@RequestParam(required = false) @Nullable String sort, @RequestParam(required = false) @Nullable String dir,
			@RequestParam(required = false) @Nullable String q) {
		ProcessTable.Page page = this.console.table().page(ProcessQuery.of(offset, limit, sort, dir, q));
		Instant now = Instant.now();
		List<ProcessRowDescriptor> rows = new ArrayList<>(page.items().size());
		for (ProcessTable.Row row : page.items()) {
			rows.add(new ProcessRowDescriptor(row.pid().toString(), row.names(), row.keys(), lower(row.status()),
					row.mailboxLength(), row.messagesHandled(), Math.max(0, Duration.between(row.startedAt(), now).toMillis()),
					row.restarts(), string(row.supervisor()),
					(row.supervisorKind() != null) ? lower(row.supervisorKind()) : null, row.confirm()));
		}
		return new ProcessPageDescriptor(page.total(), page.offset(), page.limit(), page.sort().key(),
				page.descending() ? "desc" : "asc", page.search(), page.asOf(), rows);
	}

	/**
	 * One process: status, mailbox, counters, links, monitors, names and keys, uptime, its
	 * supervisor's record of it with its recent exits, and the confirmation a terminate needs.
	 * @param pid the pid, as {@code <node.serial>} or {@code node.serial}
	 * @return the process; a 404 problem when it is not alive, 400 for text that is no pid
	 */
	@GetMapping("/api/processes/{pid}")
	public ProcessDescriptor process(@PathVariable String pid) {
		Pid target = Pid.parse(pid);
		Introspection.ProcessDetail detail = this.introspection.processDetail(target)
			.orElseThrow(() -> AdminProblem.of(HttpStatus.NOT_FOUND, "no process " + target + " is alive here", "pid",
					target.toString()));
		ProcessInfo info = detail.info();
		ChildInfo child = detail.child();
		List<ExitDescriptor> exits = (child != null) ? child.recentExits()
			.stream()
			.map((exit) -> new ExitDescriptor(exit.pid().toString(), exit.reason().toString(), exit.at()))
			.toList() : List.of();
		return new ProcessDescriptor(info.pid().toString(), lower(info.status()), info.mailboxLength(),
				info.mailboxLimit(), info.droppedMessages(), detail.messagesHandled(), info.registeredNames(),
				detail.names(), detail.keys(), strings(info.links()), strings(info.monitors()),
				strings(info.monitoredBy()), info.trapExits(), info.startedAt(),
				Duration.between(info.startedAt(), Instant.now()).toMillis(), info.serverClass(),
				string(info.parent()), detail.supervisorName(), (child != null) ? String.valueOf(child.id()) : null,
				(child != null) ? lower(child.restart()) : null, (child != null) ? child.restartCount() : null,
				(child != null) ? string(child.lastExitReason()) : null, exits,
				(detail.supervisorKind() != null) ? lower(detail.supervisorKind()) : null, detail.confirm(),
				detail.confirmReasons());
	}

	/**
	 * Terminates a process: with {@code shutdown} (a server runs {@code terminate}; killed when
	 * it takes longer than the grace period) or {@code kill}. Its supervisor, if any, treats the
	 * exit as any other: a permanent child comes back with a new pid. A supervisor, a registered
	 * singleton and a supervisor's last running child are terminated only when the request carries
	 * the process's name as {@code confirm}. Every attempt is audited.
	 * @param request the request
	 * @param pid the pid, as {@code <node.serial>} or {@code node.serial}
	 * @param reasonParameter {@code shutdown} (the default) or {@code kill}, as a query parameter
	 * @param body {@code {"confirm": "...", "reason": "..."}}, optional
	 * @return 200 with what was done; a problem: 403 when actions are not allowed for this user,
	 * 404 when the process is not alive, 428 without the confirmation it needs, 400 for bad input
	 */
	@PostMapping("/api/processes/{pid}/terminate")
	public TerminatedDescriptor terminate(HttpServletRequest request, @PathVariable String pid,
			@RequestParam(name = "reason", required = false) @Nullable String reasonParameter,
			@RequestBody(required = false) @Nullable TerminateRequest body) {
		String user = user(request);
		String userName = (user != null) ? user : "anonymous (" + request.getRemoteAddr() + ")";
		String refusal = refusal();
		if (refusal != null) {
			logger.warn("Process admin: refused to terminate {} for {}: {}", pid, userName, refusal);
			throw audited(userName, pid, null, AuditLog.Outcome.REFUSED, AdminProblem.of(HttpStatus.FORBIDDEN, refusal));
		}
		String reason = (body != null && body.reason() != null) ? body.reason()
				: (reasonParameter != null) ? reasonParameter : "shutdown";
		TerminatePolicy policy = switch (reason) {
			case "shutdown" -> this.introspection.settings().terminatePolicy();
			case "kill" -> TerminatePolicy.kill();
			default -> null;
		};
		if (policy == null) {
			throw audited(userName, pid, null, AuditLog.Outcome.BAD_REQUEST, AdminProblem.of(HttpStatus.BAD_REQUEST,
					"unknown reason '" + reason + "': use shutdown or kill"));
		}
		Pid target;
		try {
			target = Pid.parse(pid);
		}
		catch (IllegalArgumentException ex) {
			throw audited(userName, pid, null, AuditLog.Outcome.BAD_REQUEST,
					AdminProblem.of(HttpStatus.BAD_REQUEST, String.valueOf(ex.getMessage())));
		}
		if (!target.node().equals(this.introspection.runtime().node())) {
			throw audited(userName, pid, null, AuditLog.Outcome.BAD_REQUEST, AdminProblem.of(HttpStatus.BAD_REQUEST,
					target + " runs on node " + target.node() + "; this console terminates only its own processes"));
		}
		Introspection.Confirmation confirmation = this.introspection.confirmation(target).orElse(null);
		String typed = (body != null) ? body.confirm() : null;
		if (confirmation != null && !confirmation.expected().equals((typed != null) ? typed.trim() : null)) {
			Map<String, @Nullable Object> properties = new LinkedHashMap<>();
			properties.put("expected", confirmation.expected());
			properties.put("reasons", confirmation.reasons());
			String detail = ((typed == null || typed.isBlank()) ? "terminating " + target + " needs confirmation"
					: "the confirmation does not match") + ": type '" + confirmation.expected() + "' ("
					+ String.join("; ", confirmation.reasons()) + ")";
			throw audited(userName, pid, confirmation.expected(), AuditLog.Outcome.CONFIRM_REQUIRED,
					AdminProblem.of(HttpStatus.PRECONDITION_REQUIRED, detail, properties));
		}
		Terminated done = this.introspection.terminate(target, policy).orElse(null);
		if (done == null) {
			throw audited(userName, pid, null, AuditLog.Outcome.NOT_FOUND,
					AdminProblem.of(HttpStatus.NOT_FOUND, "no process " + target + " is alive here", "pid", target.toString()));
		}
		String how = switch (done.how()) {
			case SHUTDOWN -> "shutdown";
			case KILLED -> "kill";
			case KILLED_AFTER_GRACE -> "shutdown, then kill after "
					+ this.introspection.settings().terminateGrace().toMillis() + " ms";
			case STOPPED_BY_SUPERVISOR -> "stopped by its supervisor";
		};
		logger.info("Process admin: {} terminated {} {} ({})", userName, target, done.names(), how);
		AuditLog.Entry entry = this.console.audit()
			.record(userName, "terminate", target.toString(), (confirmation != null) ? confirmation.expected()
					: done.names().isEmpty() ? null : done.names().getFirst(), AuditLog.Outcome.ACCEPTED, 200, how);
		return new TerminatedDescriptor(target.toString(), done.names(), how, userName, entry.id());
	}

	private AdminProblem audited(String user, String target, @Nullable String targetName, AuditLog.Outcome outcome,
			AdminProblem problem) {
		AuditLog.Entry entry = this.console.audit()
			.record(user, "terminate", target, targetName, outcome, problem.getStatusCode().value(),
					problem.getBody().getDetail());
		problem.getBody().setProperty("auditId", entry.id());
		return problem;
	}

	/**
	 * The supervision tree with each supervisor's restart budget used now, children's recent
	 * exits, and the top-level supervisors that gave up.
	 * @return the tree
	 */
	@GetMapping("/api/supervision")
	public SupervisionDescriptor supervision() {
		List<SupervisorDescriptor> gaveUp = this.introspection.topLevel()
			.stream()
			.filter((view) -> view.status().gaveUp())
			.map(SupervisorDescriptor::of)
			.toList();
		return new SupervisionDescriptor(supervisionTree(), gaveUp);
	}

	/**
	 * Process groups, scope by scope, each with its first members.
	 * @return the groups
	 */
	@GetMapping("/api/groups")
	public GroupsDescriptor groups() {
		return new GroupsDescriptor(groupScopes());
	}

	/**
	 * The newest audited actions.
	 * @param limit how many, 1 to {@value AuditLog#MAX_LIMIT}
	 * @return the entries, newest first
	 */
	@GetMapping("/api/audit")
	public AuditDescriptor audit(@RequestParam(defaultValue = "50") int limit) {
		return new AuditDescriptor(this.console.audit()
			.entries(limit)
			.stream()
			.map((entry) -> new AuditEntryDescriptor(entry.id(), entry.time(), entry.user(), entry.action(),
					entry.target(), entry.targetName(), entry.outcome().key(), entry.status(), entry.detail()))
			.toList());
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

	private List<SupervisorNode> supervisionTree() {
		return this.introspection.supervisionTree().stream().map(ProcessAdminController::node).toList();
	}

	private static SupervisorNode node(Introspection.SupervisorNode node) {
		List<ChildNode> children = new ArrayList<>(node.children().size());
		for (Introspection.ChildNode child : node.children()) {
			children.add(new ChildNode(child.id(), string(child.pid()), lower(child.type()), lower(child.restart()),
					child.restartCount(), string(child.lastExitReason()), child.lastExitAt(),
					child.recentExits()
						.stream()
						.map((exit) -> new ExitDescriptor(exit.pid().toString(), exit.reason().toString(), exit.at()))
						.toList(),
					(child.subtree() != null) ? node(child.subtree()) : null));
		}
		return new SupervisorNode(node.pid().toString(), node.name(), lower(node.kind()), lower(node.strategy()),
				node.maxRestarts(), node.maxSeconds(), node.restartsInWindow(),
				new BudgetDescriptor(node.restartsInWindow(), node.maxRestarts(), node.maxSeconds()), node.restarts(),
				node.childCount(), children);
	}

	private List<ScopeDescriptor> groupScopes() {
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
	 * The console's home.
	 *
	 * @param node the runtime's node name
	 * @param startedAt when the runtime started
	 * @param uptimeMillis how long it has run
	 * @param counts processes, registries, keys, supervisors and groups
	 * @param health whether the runtime is up, and why not
	 * @param processes live processes (as in {@code counts}; read by the page before the console)
	 * @param user the current user, or {@code null}
	 * @param actions whether the current user may act
	 * @param csrf what an action must send, or {@code null}
	 * @param refreshMillis how often the page refreshes
	 * @param historyMillis how often the load history is sampled
	 * @param valuesShown whether registry values are shown unsanitized to this user
	 * @param registries every registry by name, with its partitions
	 * @param workers every worker type by registry name
	 * @param supervisors every top-level supervisor of the application
	 */
	public record OverviewDescriptor(String node, Instant startedAt, long uptimeMillis, Introspection.Counts counts,
			HealthDescriptor health, int processes, @Nullable String user, ActionsDescriptor actions,
			@Nullable CsrfDescriptor csrf, long refreshMillis, long historyMillis, boolean valuesShown,
			Map<String, RegistryDescriptor> registries, Map<String, WorkerTypeDescriptor> workers,
			List<SupervisorDescriptor> supervisors) {
	}

	/**
	 * The runtime's health.
	 *
	 * @param up whether it is up
	 * @param error why not, or {@code null}
	 */
	public record HealthDescriptor(boolean up, @Nullable String error) {
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
	 * The supervision tree and the top-level supervisors that gave up.
	 *
	 * @param roots the live trees, root by root
	 * @param gaveUp top-level supervisors that exceeded their restart intensity and exited
	 */
	public record SupervisionDescriptor(List<SupervisorNode> roots, List<SupervisorDescriptor> gaveUp) {
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
	 * @param budget the restart budget used now
	 * @param restarts restarts it and the supervisors below it made since it started
	 * @param childCount all its children
	 * @param children its first children ({@code process-registry.introspection.max-children})
	 */
	public record SupervisorNode(String pid, @Nullable String name, String kind, String strategy, int maxRestarts,
			int maxSeconds, int restartsInWindow, BudgetDescriptor budget, long restarts, int childCount,
			List<ChildNode> children) {
	}

	/**
	 * A supervisor's restart intensity budget: {@code used} of {@code max} restarts in
	 * {@code seconds}; one more than {@code max} and it gives up.
	 *
	 * @param used restarts in the current window
	 * @param max restarts allowed in the window
	 * @param seconds the window
	 */
	public record BudgetDescriptor(int used, int max, int seconds) {
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
	 * @param recentExits its last exits, newest first
	 * @param subtree a supervisor child's own tree
	 */
	public record ChildNode(String id, @Nullable String pid, String type, String restart, int restartCount,
			@Nullable String lastExitReason, @Nullable Instant lastExitAt, List<ExitDescriptor> recentExits,
			@Nullable SupervisorNode subtree) {
	}

	/**
	 * One exit of a supervised child.
	 *
	 * @param pid the process that exited
	 * @param reason why
	 * @param at when
	 */
	public record ExitDescriptor(String pid, String reason, Instant at) {
	}

	/**
	 * Process groups.
	 *
	 * @param scopes scope by scope
	 */
	public record GroupsDescriptor(List<ScopeDescriptor> scopes) {
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
	 * One page of the process table.
	 *
	 * @param total processes matching the search (all without one)
	 * @param offset rows skipped
	 * @param limit the page size
	 * @param sort the order
	 * @param dir asc or desc
	 * @param q what was searched for, or {@code null}
	 * @param asOf when the snapshot the order comes from was taken
	 * @param items the rows, read live
	 */
	public record ProcessPageDescriptor(int total, int offset, int limit, String sort, String dir, @Nullable String q,
			Instant asOf, List<ProcessRowDescriptor> items) {
	}

	/**
	 * One row of the process table.
	 *
	 * @param pid the process
	 * @param names its registered names
	 * @param keys its registry keys, {@code registry:key}
	 * @param status running, runnable, waiting, or exited when it died since the snapshot
	 * @param mailboxLength messages waiting
	 * @param messagesHandled messages handled
	 * @param uptimeMillis how long it has run
	 * @param restarts how often its supervisor restarted its child slot
	 * @param supervisor its supervisor, or {@code null}
	 * @param supervisorKind supervisor or dynamic_supervisor when it is one, or {@code null}
	 * @param confirm the text a terminate must carry, or {@code null} when none is needed
	 */
	public record ProcessRowDescriptor(String pid, List<String> names, List<String> keys, String status,
			int mailboxLength, long messagesHandled, long uptimeMillis, int restarts, @Nullable String supervisor,
			@Nullable String supervisorKind, @Nullable String confirm) {
	}

	/**
	 * One process.
	 *
	 * @param pid the process
	 * @param status running, runnable or waiting
	 * @param mailboxLength messages waiting
	 * @param mailboxLimit its mailbox's bound, or 0
	 * @param droppedMessages messages its full mailbox dropped
	 * @param messagesHandled messages it handled
	 * @param registeredNames runtime names and registry keys
	 * @param names its registered runtime names
	 * @param keys its registry keys, {@code registry:key}
	 * @param links linked processes
	 * @param monitors processes it monitors
	 * @param monitoredBy processes that monitor it
	 * @param trapExits whether it traps exits
	 * @param startedAt when it started
	 * @param uptimeMillis how long it has run
	 * @param serverClass its GenServer class, or {@code null}
	 * @param parent its supervisor, or {@code null}
	 * @param supervisorName the name its supervisor is shown by, or {@code null}
	 * @param childId its id under that supervisor, or {@code null}
	 * @param restart its restart type under that supervisor, or {@code null}
	 * @param restarts how often the supervisor restarted it, or {@code null}
	 * @param lastExitReason why it last exited before this start, or {@code null}
	 * @param recentExits its child slot's last exits, newest first
	 * @param supervisorKind supervisor or dynamic_supervisor when it is one, or {@code null}
	 * @param confirm the text a terminate must carry, or {@code null} when none is needed
	 * @param confirmReasons why the confirmation is needed
	 */
	public record ProcessDescriptor(String pid, String status, int mailboxLength, int mailboxLimit,
			long droppedMessages, long messagesHandled, List<String> registeredNames, List<String> names,
			List<String> keys, List<String> links, List<String> monitors, List<String> monitoredBy, boolean trapExits,
			Instant startedAt, long uptimeMillis, @Nullable String serverClass, @Nullable String parent,
			@Nullable String supervisorName, @Nullable String childId, @Nullable String restart,
			@Nullable Integer restarts, @Nullable String lastExitReason, List<ExitDescriptor> recentExits,
			@Nullable String supervisorKind, @Nullable String confirm, List<String> confirmReasons) {
	}

	/**
	 * What a terminate asks.
	 *
	 * @param confirm the name typed, when the process needs one
	 * @param reason shutdown or kill, or {@code null} for the query parameter's
	 */
	public record TerminateRequest(@Nullable String confirm, @Nullable String reason) {
	}

	/**
	 * What a terminate did.
	 *
	 * @param pid the process
	 * @param registeredNames its names
	 * @param how the reason it was sent
	 * @param user who asked
	 * @param auditId its entry in the audit log
	 */
	public record TerminatedDescriptor(String pid, List<String> registeredNames, String how, String user,
			long auditId) {
	}

	/**
	 * The newest audited actions.
	 *
	 * @param entries newest first
	 */
	public record AuditDescriptor(List<AuditEntryDescriptor> entries) {
	}

	/**
	 * One audited action.
	 *
	 * @param id its number
	 * @param time when
	 * @param user who
	 * @param action what
	 * @param target at what, as given
	 * @param targetName the name the target is shown by, or {@code null}
	 * @param outcome accepted, refused, not-found, bad-request or confirm-required
	 * @param status the HTTP status answered
	 * @param detail more, or {@code null}
	 */
	public record AuditEntryDescriptor(long id, Instant time, @Nullable String user, String action, String target,
			@Nullable String targetName, String outcome, int status, @Nullable String detail) {
	}

}
