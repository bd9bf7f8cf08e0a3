package dev.procreg.boot.autoconfigure;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.procreg.boot.autoconfigure.ProcessRegistryProperties.Registry;
import dev.procreg.process.ProcessRuntime;
import dev.procreg.registry.ProcessRegistry;
import dev.procreg.registry.RegistryOptions;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;

/**
 * Registers one {@link ProcessRegistry} bean per entry of {@code process-registry.registries},
 * named after the entry, so that {@code process-registry.registries.sessions.keys=unique} gives
 * a bean {@code sessions}. The registries start in the runtime bean when first injected.
 */
class DeclaredRegistriesRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	static final String PREFIX = "process-registry.registries";

	private @Nullable Environment environment;

	private @Nullable BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Assert.state(this.environment != null && this.beanFactory != null, "not initialized");
		BeanFactory factory = this.beanFactory;
		Map<String, Registry> declared = Binder.get(this.environment)
			.bind(PREFIX, Bindable.mapOf(String.class, Registry.class))
			.orElse(Map.of());
		declared.forEach((name, properties) -> {
			if (registry.containsBeanDefinition(name)) {
				throw new IllegalStateException("Cannot declare registry '" + name + "' in " + PREFIX
						+ ": a bean of that name exists already");
			}
			RegistryOptions options;
			try {
				options = properties.toOptions(name);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("Invalid registry " + PREFIX + "." + name + ": " + ex.getMessage(), ex);
			}
			RootBeanDefinition definition = new RootBeanDefinition(ProcessRegistry.class);
			definition.setInstanceSupplier(() -> ProcessRegistry.start(factory.getBean(ProcessRuntime.class), options));
			registry.registerBeanDefinition(name, definition);
		});
	}

}
