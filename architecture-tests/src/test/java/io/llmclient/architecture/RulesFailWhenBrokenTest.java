package io.llmclient.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.llmclient.application.archfixture.ApplicationLogsWithLog4j;
import io.llmclient.application.archfixture.ApplicationReadsBootstrap;
import io.llmclient.application.archfixture.ApplicationReadsYaml;
import io.llmclient.application.archfixture.ApplicationUsesHelidon;
import io.llmclient.application.archfixture.ApplicationUsesStateAdapter;
import io.llmclient.archfixture.cycle.ping.Ping;
import io.llmclient.archfixture.cycle.pong.Pong;
import io.llmclient.archfixture.nested.Outer;
import io.llmclient.archfixture.nested.inner.Inner;
import io.llmclient.bootstrap.archfixture.BootstrapMakesSpans;
import io.llmclient.bootstrap.archfixture.BootstrapSettings;
import io.llmclient.bootstrap.archfixture.BootstrapUsesConformance;
import io.llmclient.domain.archfixture.DomainCallsHttp;
import io.llmclient.domain.archfixture.DomainCallsProvider;
import io.llmclient.domain.archfixture.DomainParsesJson;
import io.llmclient.domain.archfixture.DomainReadsYaml;
import io.llmclient.inbound.fakesurface.archfixture.FakeSurfaceUsesInboundSupport;
import io.llmclient.inbound.fakesurface.archfixture.FakeSurfaceUsesJsonRpc;
import io.llmclient.inbound.support.archfixture.InboundSupportCodec;
import io.llmclient.inbound.support.archfixture.InboundSupportUsesJsonRpc;
import io.llmclient.jsonrpc.archfixture.JsonRpcCallsProvider;
import io.llmclient.jsonrpc.archfixture.JsonRpcCodes;
import io.llmclient.jsonrpc.archfixture.JsonRpcReadsBootstrap;
import io.llmclient.provider.conformance.archfixture.ConformanceKit;
import io.llmclient.provider.fakea.archfixture.FakeAReadsBootstrap;
import io.llmclient.provider.fakea.archfixture.FakeAUsesFakeB;
import io.llmclient.provider.fakea.archfixture.FakeAUsesJsonRpc;
import io.llmclient.provider.fakea.archfixture.FakeAUsesState;
import io.llmclient.provider.fakea.archfixture.FakeAUsesSupport;
import io.llmclient.provider.fakea.archfixture.UnregisteredFactory;
import io.llmclient.provider.fakeb.archfixture.FakeBCodec;
import io.llmclient.provider.support.archfixture.SupportCodec;
import io.llmclient.provider.support.archfixture.SupportFactory;
import io.llmclient.provider.support.archfixture.SupportUsesFakeB;
import io.llmclient.state.fake.archfixture.StateReadsBootstrap;
import io.llmclient.state.fake.archfixture.StateStore;
import io.llmclient.state.fake.archfixture.StateUsesProvider;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.example.llm.archfixture.StrayProviderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves each rule can fail: every case imports only its chosen fixture classes (a deliberate
 * violation in src/test/java) and expects the targeted rule to reject them, naming the offending
 * dependency, while every other rule still accepts them.
 */
class RulesFailWhenBrokenTest {

    private static final List<ArchRule> EVERY_RULE = Stream.concat(
                    LayerRules.ALL.stream(),
                    Stream.of(ProviderPluginRules.PROVIDER_FACTORIES_ARE_LISTED_FOR_SERVICE_LOADER,
                    ProviderPluginRules.PROVIDER_SUPPORT_IS_NOT_A_PROVIDER,
                    ProviderPluginRules.PROVIDER_FACTORIES_LIE_WHERE_THE_RULES_LOOK))
            .toList();

    /**
     * One deliberate violation. {@code alsoBreaks} lists the rules a violation cannot avoid
     * breaking too: a forbidden library in domain is also a non-JDK dependency, and so on.
     */
    record Breach(String sentence, ArchRule rule, String offendingDependency,
                  List<ArchRule> alsoBreaks, List<Class<?>> fixtures) {

        static Breach of(String sentence, ArchRule rule, Class<?> dependency, Class<?>... fixtures) {
            return of(sentence, rule, dependency.getName(), List.of(), fixtures);
        }

        static Breach of(String sentence, ArchRule rule, String dependency, List<ArchRule> alsoBreaks,
                         Class<?>... fixtures) {
            return new Breach(sentence, rule, dependency, alsoBreaks, List.of(fixtures));
        }

        JavaClasses classes() {
            return new ClassFileImporter().importClasses(fixtures);
        }

        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Breach> breaches() {
        return Stream.of(
                Breach.of("domain reading YAML breaks 'domain depends on the JDK only'",
                        LayerRules.DOMAIN_DEPENDS_ON_THE_JDK_ONLY, "org.yaml.snakeyaml.Yaml", List.of(),
                        DomainReadsYaml.class),
                Breach.of("domain calling java.net.http breaks 'no HTTP client in the core'",
                        LayerRules.CORE_USES_NO_FRAMEWORK_HTTP_JSON_OR_LOGGING_LIBRARY,
                        "java.net.http.HttpClient", List.of(), DomainCallsHttp.class),
                Breach.of("domain using Jackson breaks 'no JSON library in the core'",
                        LayerRules.CORE_USES_NO_FRAMEWORK_HTTP_JSON_OR_LOGGING_LIBRARY,
                        "com.fasterxml.jackson.databind.ObjectMapper",
                        List.of(LayerRules.DOMAIN_DEPENDS_ON_THE_JDK_ONLY),
                        DomainParsesJson.class),
                Breach.of("application reading YAML breaks 'application depends on domain and the JDK only'",
                        LayerRules.APPLICATION_DEPENDS_ON_DOMAIN_AND_JDK_ONLY, "org.yaml.snakeyaml.Yaml", List.of(),
                        ApplicationReadsYaml.class),
                Breach.of("application using Helidon breaks 'no framework in the core'",
                        LayerRules.CORE_USES_NO_FRAMEWORK_HTTP_JSON_OR_LOGGING_LIBRARY,
                        "io.helidon.config.Config", List.of(LayerRules.APPLICATION_DEPENDS_ON_DOMAIN_AND_JDK_ONLY),
                        ApplicationUsesHelidon.class),
                Breach.of("application logging with Log4j breaks 'no logging framework in the core'",
                        LayerRules.CORE_USES_NO_FRAMEWORK_HTTP_JSON_OR_LOGGING_LIBRARY,
                        "org.apache.logging.log4j.LogManager",
                        List.of(LayerRules.APPLICATION_DEPENDS_ON_DOMAIN_AND_JDK_ONLY),
                        ApplicationLogsWithLog4j.class),
                Breach.of("domain calling a provider adapter breaks 'arrows point inward'",
                        LayerRules.CORE_DOES_NOT_DEPEND_ON_ADAPTERS_OR_BOOTSTRAP,
                        FakeBCodec.class.getName(), List.of(LayerRules.DOMAIN_DEPENDS_ON_THE_JDK_ONLY),
                        DomainCallsProvider.class),
                Breach.of("application reading bootstrap breaks 'arrows point inward'",
                        LayerRules.CORE_DOES_NOT_DEPEND_ON_ADAPTERS_OR_BOOTSTRAP,
                        BootstrapSettings.class.getName(),
                        List.of(LayerRules.APPLICATION_DEPENDS_ON_DOMAIN_AND_JDK_ONLY),
                        ApplicationReadsBootstrap.class),
                Breach.of("application using a state adapter breaks 'arrows point inward'",
                        LayerRules.CORE_DOES_NOT_DEPEND_ON_ADAPTERS_OR_BOOTSTRAP,
                        StateStore.class.getName(),
                        List.of(LayerRules.APPLICATION_DEPENDS_ON_DOMAIN_AND_JDK_ONLY),
                        ApplicationUsesStateAdapter.class),
                Breach.of("bootstrap making spans itself breaks 'only the telemetry adapter sees OpenTelemetry'",
                        LayerRules.ONLY_THE_TELEMETRY_ADAPTER_SEES_OPENTELEMETRY,
                        "io.opentelemetry.api.trace.Span", List.of(), BootstrapMakesSpans.class),
                Breach.of("a state adapter reading bootstrap breaks 'state adapters see only application and domain'",
                        LayerRules.STATE_ADAPTERS_SEE_ONLY_APPLICATION_AND_DOMAIN,
                        BootstrapSettings.class, StateReadsBootstrap.class),
                Breach.of("a state adapter using a provider breaks 'state adapters see only application and domain'",
                        LayerRules.STATE_ADAPTERS_SEE_ONLY_APPLICATION_AND_DOMAIN,
                        FakeBCodec.class, StateUsesProvider.class),
                Breach.of("a provider using a state adapter breaks 'no other adapter depends on a state adapter'",
                        LayerRules.NO_OTHER_ADAPTER_DEPENDS_ON_STATE_ADAPTERS,
                        StateStore.class, FakeAUsesState.class),
                Breach.of("provider fakea using provider fakeb breaks 'providers do not depend on each other'",
                        LayerRules.PROVIDER_ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER, FakeBCodec.class,
                        FakeAUsesFakeB.class, FakeBCodec.class),
                Breach.of("the shared support using provider fakeb breaks 'support depends on no adapter'",
                        LayerRules.PROVIDER_SUPPORT_DEPENDS_ON_NO_PROVIDER_ADAPTER, FakeBCodec.class.getName(),
                        List.of(LayerRules.PROVIDER_ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER),
                        SupportUsesFakeB.class, FakeBCodec.class),
                Breach.of("production code using the conformance suite breaks 'test support stays in tests'",
                        LayerRules.PROVIDER_TEST_SUPPORT_IS_USED_BY_TESTS_ONLY, ConformanceKit.class,
                        BootstrapUsesConformance.class, ConformanceKit.class),
                Breach.of("a provider factory in the shared support breaks 'support is not a provider'",
                        ProviderPluginRules.PROVIDER_SUPPORT_IS_NOT_A_PROVIDER,
                        "io.llmclient.application.provider.LlmProviderFactory",
                        List.of(ProviderPluginRules.PROVIDER_FACTORIES_ARE_LISTED_FOR_SERVICE_LOADER),
                        SupportFactory.class),
                Breach.of("provider reading bootstrap breaks 'providers see no inbound adapter or bootstrap'",
                        LayerRules.PROVIDER_ADAPTERS_DO_NOT_DEPEND_ON_INBOUND_ADAPTER_OR_BOOTSTRAP,
                        BootstrapSettings.class, FakeAReadsBootstrap.class),
                Breach.of("provider using the JSON-RPC adapter breaks 'providers see no inbound adapter or bootstrap'",
                        LayerRules.PROVIDER_ADAPTERS_DO_NOT_DEPEND_ON_INBOUND_ADAPTER_OR_BOOTSTRAP,
                        JsonRpcCodes.class, FakeAUsesJsonRpc.class),
                Breach.of("JSON-RPC adapter reading bootstrap breaks 'inbound adapter sees no provider or bootstrap'",
                        LayerRules.INBOUND_ADAPTER_DOES_NOT_DEPEND_ON_PROVIDERS_OR_BOOTSTRAP,
                        BootstrapSettings.class, JsonRpcReadsBootstrap.class),
                Breach.of("JSON-RPC adapter calling a provider breaks 'inbound adapter sees no provider or bootstrap'",
                        LayerRules.INBOUND_ADAPTER_DOES_NOT_DEPEND_ON_PROVIDERS_OR_BOOTSTRAP,
                        FakeBCodec.class, JsonRpcCallsProvider.class),
                Breach.of("a surface module using the JSON-RPC surface breaks 'inbound surfaces do not depend on "
                                + "each other'", LayerRules.INBOUND_SURFACES_DO_NOT_DEPEND_ON_EACH_OTHER,
                        JsonRpcCodes.class, FakeSurfaceUsesJsonRpc.class, JsonRpcCodes.class),
                Breach.of("the inbound support using a surface breaks 'inbound support depends on no surface'",
                        LayerRules.INBOUND_SUPPORT_DEPENDS_ON_NO_SURFACE, JsonRpcCodes.class,
                        InboundSupportUsesJsonRpc.class, JsonRpcCodes.class),
                Breach.of("two sibling packages using each other break 'no cycles between packages'",
                        LayerRules.NO_CYCLES_BETWEEN_PACKAGES, Pong.class, Ping.class, Pong.class),
                Breach.of("a package and its sub-package using each other break 'no cycles between packages'",
                        LayerRules.NO_CYCLES_BETWEEN_PACKAGES, Inner.class, Outer.class, Inner.class),
                Breach.of("a provider factory without a services entry breaks 'factories are listed for ServiceLoader'",
                        ProviderPluginRules.PROVIDER_FACTORIES_ARE_LISTED_FOR_SERVICE_LOADER,
                        UnregisteredFactory.class.getName() + " is not listed in any "
                                + ProviderPluginRules.SERVICES_FILE,
                        List.of(), UnregisteredFactory.class),
                Breach.of("a provider factory outside io.llmclient.provider breaks 'factories lie where the rules look'",
                        ProviderPluginRules.PROVIDER_FACTORIES_LIE_WHERE_THE_RULES_LOOK, LayerRules.PROVIDER_MODULE,
                        List.of(), StrayProviderFactory.class));
    }

    /**
     * The whole path of the coverage check: a module (here a directory with a services file) put on
     * the class path beside the shipped providers is found by ServiceLoader, and fails the rule.
     */
    @Test
    void aProviderModuleOutsideTheRulesOnTheClassPathFailsTheCoverageCheck() throws Exception {
        URL module = getClass().getClassLoader().getResource("stray-provider-module/");
        try (var classPath = new URLClassLoader(new URL[] {module}, getClass().getClassLoader())) {
            JavaClasses found = new ClassFileImporter()
                    .importClasses(ProviderPluginRules.factoryTypesServiceLoaderFinds(classPath));

            AssertionError error = assertThrows(AssertionError.class,
                    () -> ProviderPluginRules.PROVIDER_FACTORIES_LIE_WHERE_THE_RULES_LOOK.check(found));

            assertTrue(error.getMessage().contains(StrayProviderFactory.class.getName()), error::getMessage);
            assertTrue(found.size() > 1, "the shipped providers are found beside it");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breaches")
    void targetedRuleRejectsTheFixtureNamingTheOffendingDependency(Breach breach) {
        JavaClasses classes = breach.classes();

        AssertionError error = assertThrows(AssertionError.class, () -> breach.rule().check(classes));

        String offender = breach.fixtures().getFirst().getName();
        assertTrue(error.getMessage().contains(offender),
                () -> "no mention of " + offender + " in:\n" + error.getMessage());
        assertTrue(error.getMessage().contains(breach.offendingDependency()),
                () -> "no mention of " + breach.offendingDependency() + " in:\n" + error.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breaches")
    void noOtherRuleRejectsTheFixture(Breach breach) {
        JavaClasses classes = breach.classes();
        List<ArchRule> expected = new ArrayList<>(breach.alsoBreaks());
        expected.add(breach.rule());

        // A rule whose subject classes are absent from the fixture has nothing to check; that is
        // not a violation here (in production the same emptiness is reported, see the rules' defaults).
        List<String> unexpected = EVERY_RULE.stream()
                .filter(rule -> !expected.contains(rule))
                .filter(rule -> rule.allowEmptyShould(true).evaluate(classes).hasViolation())
                .map(ArchRule::getDescription)
                .toList();
        assertEquals(List.of(), unexpected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breaches")
    void overlappingRulesNamedAsAlsoBrokenDoReject(Breach breach) {
        JavaClasses classes = breach.classes();

        List<String> notRejecting = breach.alsoBreaks().stream()
                .filter(rule -> !rule.evaluate(classes).hasViolation())
                .map(ArchRule::getDescription)
                .toList();
        assertEquals(List.of(), notRejecting);
    }

    @Test
    void anAdapterUsingTheSharedSupportBreaksNoRule() {
        JavaClasses classes = new ClassFileImporter().importClasses(FakeAUsesSupport.class, SupportCodec.class);

        List<String> rejecting = EVERY_RULE.stream()
                .filter(rule -> rule.allowEmptyShould(true).evaluate(classes).hasViolation())
                .map(ArchRule::getDescription)
                .toList();
        assertEquals(List.of(), rejecting);
    }

    @Test
    void aSurfaceUsingTheSharedInboundSupportBreaksNoRule() {
        JavaClasses classes = new ClassFileImporter().importClasses(FakeSurfaceUsesInboundSupport.class,
                InboundSupportCodec.class);

        List<String> rejecting = EVERY_RULE.stream()
                .filter(rule -> rule.allowEmptyShould(true).evaluate(classes).hasViolation())
                .map(ArchRule::getDescription)
                .toList();
        assertEquals(List.of(), rejecting);
    }

    @Test
    void everyRuleHasAFixtureThatBreaksIt() {
        List<ArchRule> targeted = breaches().map(Breach::rule).toList();

        List<String> untested = EVERY_RULE.stream()
                .filter(rule -> !targeted.contains(rule))
                .map(ArchRule::getDescription)
                .toList();
        assertEquals(List.of(), untested);
    }
}
