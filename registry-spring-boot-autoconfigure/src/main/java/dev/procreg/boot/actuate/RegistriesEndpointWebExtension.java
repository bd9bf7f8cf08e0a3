package dev.procreg.boot.actuate;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.procreg.boot.actuate.RegistriesEndpoint.KeyDescriptor;
import dev.procreg.boot.actuate.RegistriesEndpoint.RegistryPageDescriptor;
import dev.procreg.boot.actuate.RegistriesEndpoint.TerminatedDescriptor;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link RegistriesEndpoint}:
 * {@code GET /registries/{name}?offset=&limit=&prefix=}, {@code GET /registries/{name}/{key}}
 * and {@code DELETE /registries/{name}/{key}}, each 404 for an unknown registry or key. The
 * delete is a write-level operation: it needs
 * {@code management.endpoint.registries.access=unrestricted}.
 */
@EndpointWebExtension(endpoint = RegistriesEndpoint.class)
public class RegistriesEndpointWebExtension {

	private final RegistriesEndpoint delegate;

	private final Show showValues;

	private final Set<String> roles;

	/**
	 * @param delegate the endpoint
	 * @param showValues when values are shown unsanitized
	 * @param roles the roles that may see them with {@link Show#WHEN_AUTHORIZED}; empty for any
	 * authenticated user
	 */
	public RegistriesEndpointWebExtension(RegistriesEndpoint delegate, Show showValues, Set<String> roles) {
		this.delegate = delegate;
		this.showValues = showValues;
		this.roles = Set.copyOf(roles);
	}

	/**
	 * One page of a registry's keys.
	 * @param securityContext who asks
	 * @param name the registry's name
	 * @param offset keys to skip, 0 by default
	 * @param limit the page size, {@value RegistriesEndpoint#DEFAULT_LIMIT} by default and at most
	 * {@value RegistriesEndpoint#MAX_LIMIT}
	 * @param prefix only keys that start with it
	 * @return the page, 400 for a negative offset or a limit below 1, or 404
	 */
	@ReadOperation
	public WebEndpointResponse<RegistryPageDescriptor> registry(SecurityContext securityContext, @Selector String name,
			@Nullable Integer offset, @Nullable Integer limit, @Nullable String prefix) {
		int from = (offset != null) ? offset : 0;
		int size = (limit != null) ? limit : RegistriesEndpoint.DEFAULT_LIMIT;
		if (from < 0 || size < 1) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		boolean showUnsanitized = this.showValues.isShown(securityContext, this.roles);
		return respond(this.delegate.registry(name, from, size, prefix, showUnsanitized));
	}

	/**
	 * One key's entries with their processes.
	 * @param securityContext who asks
	 * @param name the registry's name
	 * @param key the key's text
	 * @return the entries, or 404
	 */
	@ReadOperation
	public WebEndpointResponse<KeyDescriptor> key(SecurityContext securityContext, @Selector String name,
			@Selector String key) {
		boolean showUnsanitized = this.showValues.isShown(securityContext, this.roles);
		return respond(this.delegate.key(name, key, showUnsanitized));
	}

	/**
	 * Terminates the processes behind a key.
	 * @param name the registry's name
	 * @param key the key's text
	 * @return what was terminated, or 404
	 */
	@DeleteOperation
	public WebEndpointResponse<TerminatedDescriptor> terminate(@Selector String name, @Selector String key) {
		return respond(this.delegate.terminate(name, key));
	}

	private static <T> WebEndpointResponse<T> respond(@Nullable T body) {
		return (body != null) ? new WebEndpointResponse<>(body)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
