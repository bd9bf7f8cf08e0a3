package dev.procreg.demo.cluster;

import javax.sql.DataSource;

import dev.procreg.cluster.ProcessCluster;
import dev.procreg.demo.donation.DonationLedger;
import dev.procreg.demo.donation.DonationRepository;
import dev.procreg.group.ProcessGroups;
import dev.procreg.supervisor.ChildSpec;

import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * In a cluster ({@code process-registry.cluster.enabled=true}, the {@code cluster} profile), the
 * node joins the cluster before it opens its database: a node started under a name that a live
 * member already uses is refused (the failure analyzer says so) before it touches the files of
 * the node that owns the name, whose database lives under that name ({@code ./data/<node>/}).
 * And each node runs a {@link DonationLedger}, through which the others read its database.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("process-registry.cluster.enabled")
class ClusterConfiguration {

	@Bean
	static DatabaseAfterCluster databaseAfterCluster() {
		return new DatabaseAfterCluster();
	}

	/**
	 * This node's {@link DonationLedger}, under the application's supervisor after the flows'
	 * supervisor: how the other nodes read what this node's database holds.
	 */
	@Bean
	@Order(4)
	ChildSpec donationLedgerChild(ProcessGroups groups, DonationRepository donations) {
		return ChildSpec.worker("donation-ledger", () -> new DonationLedger(groups, donations), null);
	}

	/** Makes the data source depend on the cluster membership. */
	static final class DatabaseAfterCluster extends AbstractDependsOnBeanFactoryPostProcessor {

		DatabaseAfterCluster() {
			super(DataSource.class, ProcessCluster.class);
		}

	}

}
