package io.llmclient.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;

/**
 * The dependency rules of the layout: domain at the centre, application around it, adapters and
 * bootstrap outside, every arrow pointing inward. Rules are written over package patterns, not
 * over classes, so that a new provider module or a new feature package is covered without an edit.
 */
final class LayerRules {

    static final String DOMAIN = "io.llmclient.domain..";
    static final String APPLICATION = "io.llmclient.application..";
    static final String PROVIDERS = "io.llmclient.provider..";
    /** A package of one provider module, {@code io.llmclient.provider.<name>} and below: what the slice rule sees. */
    static final String PROVIDER_MODULE = "io.llmclient.provider.*..";
    /** The library every HTTP provider adapter shares (SSE, Retry-After, call plumbing); not a provider. */
    static final String PROVIDER_SUPPORT = "io.llmclient.provider.support..";
    /** The conformance suite: test support that provider modules' tests extend, never production code. */
    static final String PROVIDER_TEST_SUPPORT = "io.llmclient.provider.conformance..";
    /** The JSON-RPC surface: its own top-level module, adapters-jsonrpc. */
    static final String INBOUND = "io.llmclient.jsonrpc..";
    /** The other inbound surfaces, one module each under adapters-inbound, and the support they share. */
    static final String INBOUND_MODULES = "io.llmclient.inbound..";
    /** What every inbound surface shares (body reading, auth, SSE, refusals); not a surface. */
    static final String INBOUND_SUPPORT = "io.llmclient.inbound.support..";
    /** Shared-state adapters, one module each under adapters-state (Redis): the core's state ports on a store. */
    static final String STATE = "io.llmclient.state..";
    static final String BOOTSTRAP = "io.llmclient.bootstrap..";
    /** Telemetry adapters, one module each under adapters-telemetry (OpenTelemetry traces). */
    static final String TELEMETRY = "io.llmclient.telemetry..";
    /** The OpenTelemetry API, SDK, exporters and OTLP definitions. */
    static final String OPENTELEMETRY = "io.opentelemetry..";
    /** The JDK's own API; records, enums and pattern switches also land here (java.lang.runtime, java.lang.invoke). */
    static final String JDK = "java..";

    static final ArchRule DOMAIN_DEPENDS_ON_THE_JDK_ONLY = classes()
            .that().resideInAPackage(DOMAIN)
            .should().onlyDependOnClassesThat().resideInAnyPackage(DOMAIN, JDK)
            .because("the domain says what a chat request is and what governance means; "
                    + "that must not change when a library or framework does");

    static final ArchRule APPLICATION_DEPENDS_ON_DOMAIN_AND_JDK_ONLY = classes()
            .that().resideInAPackage(APPLICATION)
            .should().onlyDependOnClassesThat().resideInAnyPackage(APPLICATION, DOMAIN, JDK)
            .because("use cases talk to the outside only through their own ports, "
                    + "so every adapter can be replaced without touching them");

    /**
     * Partly implied by the two rules above, but not wholly: java.net.http is inside {@code java..},
     * so only this rule keeps the network client out of the core.
     */
    static final ArchRule CORE_USES_NO_FRAMEWORK_HTTP_JSON_OR_LOGGING_LIBRARY = noClasses()
            .that().resideInAnyPackage(DOMAIN, APPLICATION)
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.helidon..",
                    "com.fasterxml.jackson..",
                    "tools.jackson..",
                    "java.net.http..",
                    "org.apache.logging..",
                    "org.slf4j..")
            .because("Helidon, Jackson, the HTTP client and the logging back-end belong to the adapters "
                    + "and bootstrap; domain and application log through System.Logger and reach the "
                    + "network only through the provider port");

    static final ArchRule PROVIDER_ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER = slices()
            .matching("io.llmclient.provider.(*)..")
            .namingSlices("provider '$1'")
            .should().notDependOnEachOther()
            .ignoreDependency(DescribedPredicate.alwaysTrue(), resideInAPackage(PROVIDER_SUPPORT))
            .because("each provider is a plug-in module found by ServiceLoader; "
                    + "removing one must never break another (all may share the support library, "
                    + "which depends on none of them)");

    static final ArchRule PROVIDER_SUPPORT_DEPENDS_ON_NO_PROVIDER_ADAPTER = noClasses()
            .that().resideInAPackage(PROVIDER_SUPPORT)
            .should().dependOnClassesThat(resideInAPackage(PROVIDERS).and(resideOutsideOfPackage(PROVIDER_SUPPORT)))
            .because("the support library is shared by every provider adapter; if it knew one of them, "
                    + "removing that provider would break all the others");

    static final ArchRule PROVIDER_TEST_SUPPORT_IS_USED_BY_TESTS_ONLY = noClasses()
            .that().resideOutsideOfPackage(PROVIDER_TEST_SUPPORT)
            .should().dependOnClassesThat().resideInAPackage(PROVIDER_TEST_SUPPORT)
            .because("the conformance suite is test code (JUnit at compile scope); "
                    + "production code that used it would ship the test framework");

    static final ArchRule PROVIDER_ADAPTERS_DO_NOT_DEPEND_ON_INBOUND_ADAPTER_OR_BOOTSTRAP = noClasses()
            .that().resideInAPackage(PROVIDERS)
            .should().dependOnClassesThat().resideInAnyPackage(INBOUND, INBOUND_MODULES, BOOTSTRAP)
            .because("a provider adapter sees only the application's provider port and the domain; "
                    + "bootstrap hands it its settings through that port");

    static final ArchRule INBOUND_ADAPTER_DOES_NOT_DEPEND_ON_PROVIDERS_OR_BOOTSTRAP = noClasses()
            .that().resideInAnyPackage(INBOUND, INBOUND_MODULES)
            .should().dependOnClassesThat().resideInAnyPackage(PROVIDERS, BOOTSTRAP)
            .because("an inbound surface reaches providers only through the LlmService facade, "
                    + "and bootstrap wires it, not the other way round");

    static final ArchRule CORE_DOES_NOT_DEPEND_ON_ADAPTERS_OR_BOOTSTRAP = noClasses()
            .that().resideInAnyPackage(DOMAIN, APPLICATION)
            .should().dependOnClassesThat().resideInAnyPackage(PROVIDERS, INBOUND, INBOUND_MODULES, STATE, BOOTSTRAP)
            .because("dependency arrows point inward: adapters and bootstrap know the core, never the reverse");

    static final ArchRule ONLY_THE_TELEMETRY_ADAPTER_SEES_OPENTELEMETRY = noClasses()
            .that().resideOutsideOfPackage(TELEMETRY)
            .should().dependOnClassesThat().resideInAPackage(OPENTELEMETRY)
            .because("spans are reported through the application's TracingPort; one adapter turns them into "
                    + "OpenTelemetry, so the SDK can be upgraded or replaced there alone (bootstrap passes it "
                    + "settings, never SDK types)");

    static final ArchRule STATE_ADAPTERS_SEE_ONLY_APPLICATION_AND_DOMAIN = noClasses()
            .that().resideInAPackage(STATE)
            .should().dependOnClassesThat().resideInAnyPackage(PROVIDERS, INBOUND, INBOUND_MODULES, BOOTSTRAP)
            .because("a state adapter implements the application's state ports over the domain's types "
                    + "(and its store's client); bootstrap hands it its settings and wires it in");

    static final ArchRule NO_OTHER_ADAPTER_DEPENDS_ON_STATE_ADAPTERS = noClasses()
            .that().resideInAnyPackage(PROVIDERS, INBOUND, INBOUND_MODULES)
            .should().dependOnClassesThat().resideInAPackage(STATE)
            .because("shared state is reached through the application's ports; only bootstrap chooses "
                    + "the in-process or the Redis state");

    /**
     * One slice per inbound surface: JSON-RPC's package tree, and each module under
     * {@code io.llmclient.inbound} by its name; the shared support is in no slice. A new surface
     * module (Anthropic's, say) is a new slice without an edit here.
     */
    static final SliceAssignment INBOUND_SURFACE = new SliceAssignment() {
        private static final String JSON_RPC_ROOT = "io.llmclient.jsonrpc";
        private static final String MODULES_ROOT = "io.llmclient.inbound.";

        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            if (pkg.equals(JSON_RPC_ROOT) || pkg.startsWith(JSON_RPC_ROOT + ".")) {
                return SliceIdentifier.of("jsonrpc");
            }
            if (!pkg.startsWith(MODULES_ROOT)) {
                return SliceIdentifier.ignore();
            }
            String module = pkg.substring(MODULES_ROOT.length()).split("\\.", 2)[0];
            return module.equals("support") ? SliceIdentifier.ignore() : SliceIdentifier.of(module);
        }

        @Override
        public String getDescription() {
            return "inbound surfaces";
        }
    };

    static final ArchRule INBOUND_SURFACES_DO_NOT_DEPEND_ON_EACH_OTHER = slices()
            .assignedFrom(INBOUND_SURFACE)
            .should().notDependOnEachOther()
            .because("each inbound surface is its own module; removing or adding one must never break "
                    + "another (all may share the inbound support, which depends on none of them)");

    static final ArchRule INBOUND_SUPPORT_DEPENDS_ON_NO_SURFACE = noClasses()
            .that().resideInAPackage(INBOUND_SUPPORT)
            .should().dependOnClassesThat(resideInAnyPackage(INBOUND, INBOUND_MODULES)
                    .and(resideOutsideOfPackage(INBOUND_SUPPORT)))
            .because("the inbound support is shared by every surface; each surface hands it its own "
                    + "refusal shape, so the support never needs to know one");

    /**
     * {@code (**)} captures the whole package below io.llmclient, so every package is its own slice,
     * a sub-package included: {@code domain.chat} and {@code domain.chat.x} are two slices and a cycle
     * between them is reported (shown by the nested fixture in LayerRulesFailWhenBrokenTest).
     */
    static final ArchRule NO_CYCLES_BETWEEN_PACKAGES = slices()
            .matching("io.llmclient.(**)")
            .namingSlices("package io.llmclient.$1")
            .should().beFreeOfCycles()
            .because("a cycle welds packages together: neither can be understood, tested or moved alone");

    /** Every rule above, for tests that check a fixture breaks no rule other than the ones it targets. */
    static final List<ArchRule> ALL = List.of(
            DOMAIN_DEPENDS_ON_THE_JDK_ONLY,
            APPLICATION_DEPENDS_ON_DOMAIN_AND_JDK_ONLY,
            CORE_USES_NO_FRAMEWORK_HTTP_JSON_OR_LOGGING_LIBRARY,
            PROVIDER_ADAPTERS_DO_NOT_DEPEND_ON_EACH_OTHER,
            PROVIDER_SUPPORT_DEPENDS_ON_NO_PROVIDER_ADAPTER,
            PROVIDER_TEST_SUPPORT_IS_USED_BY_TESTS_ONLY,
            PROVIDER_ADAPTERS_DO_NOT_DEPEND_ON_INBOUND_ADAPTER_OR_BOOTSTRAP,
            INBOUND_ADAPTER_DOES_NOT_DEPEND_ON_PROVIDERS_OR_BOOTSTRAP,
            INBOUND_SURFACES_DO_NOT_DEPEND_ON_EACH_OTHER,
            INBOUND_SUPPORT_DEPENDS_ON_NO_SURFACE,
            CORE_DOES_NOT_DEPEND_ON_ADAPTERS_OR_BOOTSTRAP,
            STATE_ADAPTERS_SEE_ONLY_APPLICATION_AND_DOMAIN,
            ONLY_THE_TELEMETRY_ADAPTER_SEES_OPENTELEMETRY,
            NO_OTHER_ADAPTER_DEPENDS_ON_STATE_ADAPTERS,
            NO_CYCLES_BETWEEN_PACKAGES);

    private LayerRules() {
    }
}
