package io.llmclient.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks every rule against the main classes of all modules, as the build packages them. */
class ProductionCodeFollowsTheLayoutTest {

    /**
     * DoNotIncludeTests drops every target/test-classes directory, which is where this module's
     * fixtures (deliberate violations) and every other module's tests live.
     */
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("io.llmclient");

    @Test
    void importHoldsNoArchitectureFixture() {
        List<String> fixtures = PRODUCTION.stream()
                .map(JavaClass::getName)
                .filter(name -> name.contains(".archfixture."))
                .toList();
        assertEquals(List.of(), fixtures);
    }

    @Test
    void importHoldsClassesOfEveryModule() {
        // Guards against a rule passing only because its classes were not found.
        List<String> modulesWithoutClasses = List.of(
                        "io.llmclient.domain", "io.llmclient.application", "io.llmclient.provider",
                        "io.llmclient.provider.support",
                        "io.llmclient.jsonrpc", "io.llmclient.inbound.support", "io.llmclient.inbound.openai",
                        "io.llmclient.inbound.anthropic",
                        "io.llmclient.state.redis", "io.llmclient.telemetry.otel", "io.llmclient.bootstrap")
                .stream()
                .filter(root -> PRODUCTION.stream().noneMatch(c -> c.getPackageName().startsWith(root)))
                .toList();
        assertEquals(List.of(), modulesWithoutClasses);
    }

    @Test
    void onlyTheTelemetryAdapterSeesOpenTelemetry() {
        LayerRules.ONLY_THE_TELEMETRY_ADAPTER_SEES_OPENTELEMETRY.check(PRODUCTION);
    }

    @Test
    void domainDependsOnTheJdkOnly() {
        LayerRules.DOMAIN_DEPENDS_ON_THE_JDK_ONLY.check(PRODUCTION);
    }

    @Test
    void applicationDependsOnDomainAndTheJdkOnly() {
        LayerRules.APPLICATION_DEPENDS_ON_DOMAIN_AND_JDK_ONLY.check(PRODUCTION);
    }

    @Test
    void domainAndApplicationUseNoFrameworkHttpJsonOrLoggingLibrary() {
        LayerRules.CORE_USES_NO_FRAMEWORK_HTTP_JSON_OR_LOGGING_LIBRARY.check(PRODUCTION);
    }

    @Test
    void providerAdaptersDoNotDependOnEachOther() {
        LayerRules.PROVIDER_ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER.check(PRODUCTION);
    }

    @Test
    void theSharedProviderSupportDependsOnNoProviderAdapter() {
        LayerRules.PROVIDER_SUPPORT_DEPENDS_ON_NO_PROVIDER_ADAPTER.check(PRODUCTION);
    }

    @Test
    void noProductionCodeUsesTheConformanceSuite() {
        LayerRules.PROVIDER_TEST_SUPPORT_IS_USED_BY_TESTS_ONLY.check(PRODUCTION);
    }

    @Test
    void inboundSurfacesDoNotDependOnEachOther() {
        LayerRules.INBOUND_SURFACES_DO_NOT_DEPEND_ON_EACH_OTHER.check(PRODUCTION);
    }

    @Test
    void theSharedInboundSupportDependsOnNoSurface() {
        LayerRules.INBOUND_SUPPORT_DEPENDS_ON_NO_SURFACE.check(PRODUCTION);
    }

    @Test
    void theSharedProviderSupportHasNoProviderFactory() {
        ProviderPluginRules.PROVIDER_SUPPORT_IS_NOT_A_PROVIDER.check(PRODUCTION);
    }

    @Test
    void providerAdaptersDoNotDependOnTheInboundAdapterOrBootstrap() {
        LayerRules.PROVIDER_ADAPTERS_DO_NOT_DEPEND_ON_INBOUND_ADAPTER_OR_BOOTSTRAP.check(PRODUCTION);
    }

    @Test
    void inboundAdapterDoesNotDependOnProvidersOrBootstrap() {
        LayerRules.INBOUND_ADAPTER_DOES_NOT_DEPEND_ON_PROVIDERS_OR_BOOTSTRAP.check(PRODUCTION);
    }

    @Test
    void domainAndApplicationDoNotDependOnAdaptersOrBootstrap() {
        LayerRules.CORE_DOES_NOT_DEPEND_ON_ADAPTERS_OR_BOOTSTRAP.check(PRODUCTION);
    }

    @Test
    void stateAdaptersSeeOnlyApplicationAndDomain() {
        LayerRules.STATE_ADAPTERS_SEE_ONLY_APPLICATION_AND_DOMAIN.check(PRODUCTION);
    }

    @Test
    void noOtherAdapterDependsOnAStateAdapter() {
        LayerRules.NO_OTHER_ADAPTER_DEPENDS_ON_STATE_ADAPTERS.check(PRODUCTION);
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        LayerRules.NO_CYCLES_BETWEEN_PACKAGES.check(PRODUCTION);
    }

    @Test
    void everyProviderOnBootstrapsClassPathIsCoveredByTheRules() {
        List<Class<?>> factories = ProviderPluginRules.factoryTypesServiceLoaderFinds(getClass().getClassLoader());
        assertFalse(factories.isEmpty(), "ServiceLoader finds the shipped providers (through providers-all)");

        ProviderPluginRules.PROVIDER_FACTORIES_LIE_WHERE_THE_RULES_LOOK
                .check(new ClassFileImporter().importClasses(factories));
        List<String> notImported = factories.stream().map(Class::getName)
                .filter(name -> !PRODUCTION.contain(name)).toList();
        assertEquals(List.of(), notImported);
    }

    @Test
    void everyProviderFactoryIsListedForServiceLoader() {
        ProviderPluginRules.PROVIDER_FACTORIES_ARE_LISTED_FOR_SERVICE_LOADER.check(PRODUCTION);
    }
}
