package dev.procreg.boot.autoconfigure;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.procreg.boot.actuate.RegistriesEndpoint;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration properties for the {@link RegistriesEndpoint}.
 *
 * @param showValues When to show registry values (worker metadata) unsanitized
 * @param roles Roles used to determine whether a user is authorized to be shown unsanitized
 * values; when empty, all authenticated users are authorized
 */
@ConfigurationProperties("management.endpoint.registries")
public record RegistriesEndpointProperties(@DefaultValue("never") Show showValues, @Nullable Set<String> roles) {

	public RegistriesEndpointProperties {
		roles = (roles != null) ? Set.copyOf(roles) : Set.of();
	}

}
