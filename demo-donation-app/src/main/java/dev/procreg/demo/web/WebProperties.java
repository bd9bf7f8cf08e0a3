package dev.procreg.demo.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The HTTP side of the demo.
 *
 * @param maxBodySize The largest request body accepted; a larger one is answered 413
 */
@ConfigurationProperties("demo.web")
public record WebProperties(@DefaultValue("16KB") DataSize maxBodySize) {

	public WebProperties {
		if (maxBodySize.toBytes() < 1) {
			throw new IllegalArgumentException("demo.web.max-body-size must be positive, not " + maxBodySize);
		}
	}

}
