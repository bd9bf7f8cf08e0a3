package dev.procreg.boot.admin;

import dev.procreg.boot.actuate.ClusterEndpoint;
import dev.procreg.boot.actuate.ClusterEndpoint.ClusterDescriptor;
import dev.procreg.cluster.ProcessCluster;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The console's cluster view, {@code GET /process-admin/api/cluster}: the report of the
 * {@code cluster} actuator endpoint (members with their connections, cluster-scoped registries,
 * recent node-downs and conflicts, codec rejections), present only when the runtime is a member
 * of a cluster; without one the console's cluster view says so on the 404. A controller of its
 * own, so that the page's main controller never names a type of the optional cluster module.
 */
@RestController
@RequestMapping(ProcessAdminController.PATH)
public class AdminClusterController {

	private final ClusterEndpoint report;

	/**
	 * @param cluster the cluster membership shown
	 */
	public AdminClusterController(ProcessCluster cluster) {
		this.report = new ClusterEndpoint(cluster);
	}

	/**
	 * The cluster as this node sees it now.
	 * @return the report
	 */
	@GetMapping("/api/cluster")
	public ClusterDescriptor cluster() {
		return this.report.cluster();
	}

}
