package io.llmclient.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static java.util.stream.Collectors.toUnmodifiableSet;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.llmclient.application.provider.LlmProviderFactory;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Provider modules are plug-ins: the registry finds them only through {@link ServiceLoader}. A
 * factory that its module forgets to list in META-INF/services compiles, passes its own tests
 * and is then silently absent at run time; this rule turns that into a failing build.
 */
final class ProviderPluginRules {

    static final String SERVICES_FILE = "META-INF/services/" + LlmProviderFactory.class.getName();

    static final ArchRule PROVIDER_FACTORIES_ARE_LISTED_FOR_SERVICE_LOADER = classes()
            .that().resideInAPackage(LayerRules.PROVIDERS)
            .and().implement(LlmProviderFactory.class)
            .and().areNotInterfaces()
            .and().doNotHaveModifier(JavaModifier.ABSTRACT)
            .should(beListedForServiceLoader())
            .because("ProviderRegistry finds providers with java.util.ServiceLoader only; "
                    + "an unlisted factory is a provider that never runs");

    static final ArchRule PROVIDER_SUPPORT_IS_NOT_A_PROVIDER = noClasses()
            .that().resideInAPackage(LayerRules.PROVIDER_SUPPORT)
            .should().implement(LlmProviderFactory.class)
            .because("the support library is linked into every provider adapter; a factory in it "
                    + "would be a provider found once per adapter, or a library that cannot be left out");

    /**
     * Every rule about providers is written over {@code io.llmclient.provider.<name>..}; a provider
     * module whose factory lies elsewhere would be found and run by bootstrap, yet checked by none
     * of them. Checked against the factories ServiceLoader finds, that is every provider on
     * bootstrap's class path ({@link #factoryTypesServiceLoaderFinds}).
     */
    static final ArchRule PROVIDER_FACTORIES_LIE_WHERE_THE_RULES_LOOK = classes()
            .that().implement(LlmProviderFactory.class)
            .and().areNotInterfaces()
            .and().doNotHaveModifier(JavaModifier.ABSTRACT)
            .should().resideInAPackage(LayerRules.PROVIDER_MODULE)
            .because("the layer and plug-in rules cover io.llmclient.provider.<name>.. only; a provider "
                    + "elsewhere on bootstrap's class path would run unchecked");

    private ProviderPluginRules() {
    }

    private static ArchCondition<JavaClass> beListedForServiceLoader() {
        return new ArchCondition<>("be listed in " + SERVICES_FILE) {
            @Override
            public void check(JavaClass factory, ConditionEvents events) {
                boolean listed = factoriesServiceLoaderFinds().contains(factory.getName());
                String message = factory.getName() + (listed ? " is" : " is not") + " listed in any "
                        + SERVICES_FILE + " on the class path";
                events.add(new SimpleConditionEvent(factory, listed, message));
            }
        };
    }

    /** Class names only: {@code Provider.type()} loads a class without constructing the factory. */
    static Set<String> factoriesServiceLoaderFinds() {
        return factoryTypesServiceLoaderFinds(ProviderPluginRules.class.getClassLoader()).stream()
                .map(Class::getName)
                .collect(toUnmodifiableSet());
    }

    /**
     * The factory classes listed for ServiceLoader on {@code loader}'s class path. This module
     * depends on bootstrap and on the same providers-all, so on its test class path these are
     * the providers bootstrap runs.
     */
    static List<Class<?>> factoryTypesServiceLoaderFinds(ClassLoader loader) {
        return ServiceLoader.load(LlmProviderFactory.class, loader).stream()
                .<Class<?>>map(ServiceLoader.Provider::type)
                .toList();
    }
}
