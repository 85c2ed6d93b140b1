package io.llmclient.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The manifests in deploy/kubernetes, checked offline in every build: each parses (duplicate
 * keys refused), has the apiVersion its kind needs and a valid name, uses only field names that
 * the Kubernetes API defines where we write them (a typo such as {@code readinesProbe} would
 * otherwise be dropped silently by a lenient apply), and holds together: selectors, ports,
 * probes on /health, non-root security context, resources, and every referenced Secret,
 * ConfigMap and setting exists.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("kubernetes");
    private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Map<String, String> API_VERSION = Map.of(
            "Deployment", "apps/v1", "Service", "v1", "ConfigMap", "v1", "Secret", "v1");

    // Field names of the Kubernetes API objects as written in these manifests (core/v1, apps/v1).
    private static final Set<String> DEPLOYMENT_SPEC = Set.of("replicas", "selector", "template", "strategy",
            "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds", "paused");
    private static final Set<String> POD_SPEC = Set.of("containers", "initContainers", "volumes", "securityContext",
            "terminationGracePeriodSeconds", "automountServiceAccountToken", "serviceAccountName", "affinity",
            "tolerations", "nodeSelector", "topologySpreadConstraints", "priorityClassName", "imagePullSecrets",
            "restartPolicy", "dnsPolicy", "enableServiceLinks");
    private static final Set<String> POD_SECURITY = Set.of("runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup",
            "seccompProfile", "supplementalGroups", "fsGroupChangePolicy", "seLinuxOptions", "sysctls");
    private static final Set<String> CONTAINER = Set.of("name", "image", "imagePullPolicy", "command", "args",
            "workingDir", "ports", "env", "envFrom", "resources", "volumeMounts", "livenessProbe", "readinessProbe",
            "startupProbe", "lifecycle", "securityContext", "terminationMessagePath", "terminationMessagePolicy",
            "stdin", "tty");
    private static final Set<String> CONTAINER_SECURITY = Set.of("allowPrivilegeEscalation", "readOnlyRootFilesystem",
            "capabilities", "runAsNonRoot", "runAsUser", "runAsGroup", "privileged", "seccompProfile");
    private static final Set<String> PROBE = Set.of("httpGet", "tcpSocket", "exec", "grpc", "initialDelaySeconds",
            "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold", "terminationGracePeriodSeconds");
    private static final Set<String> SERVICE_SPEC = Set.of("type", "selector", "ports", "clusterIP",
            "sessionAffinity", "externalTrafficPolicy", "internalTrafficPolicy", "loadBalancerSourceRanges");
    // Settings the service reads that .env.example does not list (they configure the JVM).
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

    private static List<Map<String, Object>> documents() throws IOException {
        var options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        var yaml = new Yaml(new SafeConstructor(options));
        var docs = new ArrayList<Map<String, Object>>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : yaml.loadAll(Files.readString(file))) {
                    docs.add(map(doc));
                }
            }
        }
        return docs;
    }

    private static Map<String, Object> byKind(String kind) throws IOException {
        List<Map<String, Object>> found = documents().stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertEquals(1, found.size(), "one " + kind);
        return found.getFirst();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertTrue(node instanceof Map, () -> "expected a mapping, got " + node);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node) {
        assertTrue(node instanceof List, () -> "expected a list, got " + node);
        return (List<Object>) node;
    }

    private static Map<String, Object> at(Map<String, Object> node, String... path) {
        Map<String, Object> current = node;
        for (String key : path) {
            current = map(current.get(key));
        }
        return current;
    }

    private static void onlyKnownFields(String where, Map<String, Object> node, Set<String> known) {
        var unknown = new HashSet<>(node.keySet());
        unknown.removeAll(known);
        assertTrue(unknown.isEmpty(), () -> where + ": fields the Kubernetes API does not define here: " + unknown);
    }

    private static Map<String, Object> container() throws IOException {
        return map(list(at(byKind("Deployment"), "spec", "template", "spec").get("containers")).getFirst());
    }

    @Test
    void everyManifestHasTheApiVersionOfItsKindAndAValidName() throws IOException {
        List<Map<String, Object>> docs = documents();
        assertEquals(Set.of("Deployment", "Service", "ConfigMap", "Secret"),
                Set.copyOf(docs.stream().map(d -> (String) d.get("kind")).toList()));
        for (Map<String, Object> doc : docs) {
            assertEquals(API_VERSION.get(doc.get("kind")), doc.get("apiVersion"), "apiVersion of " + doc.get("kind"));
            String name = (String) at(doc, "metadata").get("name");
            assertTrue(name != null && name.length() <= 63 && DNS_1123.matcher(name).matches(), "name " + name);
        }
    }

    @Test
    void theDeploymentUsesOnlyFieldsTheKubernetesApiDefines() throws IOException {
        Map<String, Object> deployment = byKind("Deployment");
        onlyKnownFields("Deployment.spec", at(deployment, "spec"), DEPLOYMENT_SPEC);
        Map<String, Object> pod = at(deployment, "spec", "template", "spec");
        onlyKnownFields("pod spec", pod, POD_SPEC);
        onlyKnownFields("pod securityContext", at(pod, "securityContext"), POD_SECURITY);
        Map<String, Object> container = container();
        onlyKnownFields("container", container, CONTAINER);
        onlyKnownFields("container securityContext", at(container, "securityContext"), CONTAINER_SECURITY);
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            onlyKnownFields(probe, at(container, probe), PROBE);
        }
        onlyKnownFields("Service.spec", at(byKind("Service"), "spec"), SERVICE_SPEC);
    }

    @Test
    void thePodRunsAsNonRootWithNoPrivilegesAndAReadOnlyRoot() throws IOException {
        Map<String, Object> pod = at(byKind("Deployment"), "spec", "template", "spec", "securityContext");
        assertEquals(true, pod.get("runAsNonRoot"));
        assertNotEquals(0, pod.get("runAsUser"));
        Map<String, Object> container = at(container(), "securityContext");
        assertEquals(false, container.get("allowPrivilegeEscalation"));
        assertEquals(true, container.get("readOnlyRootFilesystem"));
        assertEquals(List.of("ALL"), at(container, "capabilities").get("drop"));
    }

    @Test
    void theImageRunsAsTheSameNonRootUserAsThePod() throws IOException {
        Object uid = at(byKind("Deployment"), "spec", "template", "spec", "securityContext").get("runAsUser");
        String bootstrapPom = Files.readString(Path.of("..", "bootstrap", "pom.xml"));
        assertTrue(bootstrapPom.contains("<user>" + uid + ":" + uid + "</user>"), "Jib's <user> is " + uid);
    }

    @Test
    void livenessAndStartupProbeHealthAndReadinessProbesReadyOnTheServingPort() throws IOException {
        Map<String, Object> container = container();
        Set<Object> portNames = Set.copyOf(list(container.get("ports")).stream().map(p -> map(p).get("name")).toList());
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            Map<String, Object> get = at(container, probe, "httpGet");
            // /ready turns DOWN when a drain starts (contract section 14); /health stays liveness.
            assertEquals("readinessProbe".equals(probe) ? "/ready" : "/health", get.get("path"), probe);
            assertTrue(portNames.contains(get.get("port")), probe + " port " + get.get("port"));
        }
    }

    @Test
    void thePodOutlastsThePreStopPauseAndTheDrainGrace() throws IOException {
        Map<String, Object> pod = at(byKind("Deployment"), "spec", "template", "spec");
        int preStopSeconds = ((Number) at(container(), "lifecycle", "preStop", "sleep").get("seconds")).intValue();
        Object configured = literalEnv().get("LLM_SHUTDOWN_GRACE");
        double grace = configured == null ? 30 : Double.parseDouble(configured.toString());
        int terminationGrace = ((Number) pod.get("terminationGracePeriodSeconds")).intValue();
        assertTrue(preStopSeconds > 0, "a preStop pause lets the endpoints drop the pod before SIGTERM");
        assertTrue(terminationGrace > preStopSeconds + grace, "terminationGracePeriodSeconds " + terminationGrace
                + " must exceed the preStop pause " + preStopSeconds + " s plus LLM_SHUTDOWN_GRACE " + grace + " s");
    }

    @Test
    void theServiceListensOnAllInterfacesAtTheContainerPort() throws IOException {
        Map<String, String> env = literalEnv();
        assertEquals("0.0.0.0", env.get("SERVER_HOST"), "the default 127.0.0.1 is unreachable from outside the pod");
        Object containerPort = map(list(container().get("ports")).getFirst()).get("containerPort");
        assertEquals(String.valueOf(containerPort), env.get("SERVER_PORT"));
    }

    @Test
    void resourcesRequestCpuAndMemoryAndLimitMemory() throws IOException {
        Map<String, Object> resources = at(container(), "resources");
        assertTrue(at(resources, "requests").keySet().containsAll(Set.of("cpu", "memory")));
        assertTrue(at(resources, "limits").containsKey("memory"));
    }

    @Test
    void theServiceSelectsThePodsAndTargetsTheirNamedPort() throws IOException {
        Map<String, Object> deployment = byKind("Deployment");
        Map<String, Object> podLabels = at(deployment, "spec", "template", "metadata", "labels");
        Map<String, Object> matchLabels = at(deployment, "spec", "selector", "matchLabels");
        assertTrue(podLabels.entrySet().containsAll(matchLabels.entrySet()), "the selector matches the pod");
        Map<String, Object> service = at(byKind("Service"), "spec");
        assertTrue(podLabels.entrySet().containsAll(at(service, "selector").entrySet()), "the Service selects the pods");
        Set<Object> portNames = Set.copyOf(list(container().get("ports")).stream().map(p -> map(p).get("name")).toList());
        list(service.get("ports")).forEach(p -> assertTrue(portNames.contains(map(p).get("targetPort"))));
    }

    @Test
    void everySecretAndConfigMapReferenceResolves() throws IOException {
        Map<String, Object> secret = byKind("Secret");
        String secretName = (String) at(secret, "metadata").get("name");
        Set<String> secretKeys = at(secret, "stringData").keySet();
        for (Object entry : list(container().get("env"))) {
            Map<String, Object> env = map(entry);
            if (env.containsKey("valueFrom")) {
                Map<String, Object> ref = at(env, "valueFrom", "secretKeyRef");
                assertEquals(secretName, ref.get("name"), "secret of " + env.get("name"));
                assertTrue(secretKeys.contains((String) ref.get("key")), "key " + ref.get("key"));
            }
        }
        String configMapName = (String) at(byKind("ConfigMap"), "metadata").get("name");
        list(container().get("envFrom")).forEach(e -> assertEquals(configMapName, at(map(e), "configMapRef").get("name")));
    }

    @Test
    void everySettingNamedIsOneTheServiceReads() throws IOException {
        Set<String> known = settingsInEnvExample();
        var named = new HashSet<String>(at(byKind("ConfigMap"), "data").keySet());
        list(container().get("env")).forEach(e -> named.add((String) map(e).get("name")));
        named.addAll(at(byKind("Secret"), "stringData").keySet());
        named.removeAll(JVM_VARIABLES);
        named.removeAll(known);
        assertTrue(named.isEmpty(), () -> "not settings of the service (see .env.example): " + named);
    }

    @Test
    void theAuditLogIsWrittenToAMountedVolume() throws IOException {
        String auditFile = literalEnv().get("LLM_AUDIT_LOG_FILE");
        Map<String, Object> pod = at(byKind("Deployment"), "spec", "template", "spec");
        Set<Object> volumes = Set.copyOf(list(pod.get("volumes")).stream().map(v -> map(v).get("name")).toList());
        boolean mounted = list(container().get("volumeMounts")).stream().map(KubernetesManifestsTest::map)
                .anyMatch(m -> volumes.contains(m.get("name")) && auditFile.startsWith(m.get("mountPath") + "/"));
        assertTrue(mounted, "the root file system is read-only, so " + auditFile + " must be on a volume");
        assertFalse(at(byKind("ConfigMap"), "data").containsKey("LLM_AUDIT_LOG_FILE"), "set once, in the Deployment");
    }

    private static Map<String, String> literalEnv() throws IOException {
        var env = new java.util.HashMap<String, String>();
        list(container().get("env")).stream().map(KubernetesManifestsTest::map).filter(e -> e.containsKey("value"))
                .forEach(e -> env.put((String) e.get("name"), String.valueOf(e.get("value"))));
        return env;
    }

    private static Set<String> settingsInEnvExample() throws IOException {
        var keys = new HashSet<String>();
        Matcher m = Pattern.compile("(?m)^#? ?([A-Z][A-Z0-9_]*)=").matcher(Files.readString(Path.of("..", ".env.example")));
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertTrue(keys.contains("OPENAI_API_KEY"), "read .env.example");
        return keys;
    }
}
