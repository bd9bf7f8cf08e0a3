package dev.procreg.demo.session;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * What a donor session tells about itself.
 *
 * @param donorId the donor
 * @param pid the session process
 * @param node the node it runs on
 * @param startedAt when the process started
 * @param lastActivityAt when it last handled a request
 * @param submissions how many donations it recorded since it started
 * @param idleTimeout how long it lives without a request
 */
public record SessionInfo(String donorId, String pid, String node, Instant startedAt, Instant lastActivityAt,
		int submissions, Duration idleTimeout) implements Serializable {
}
