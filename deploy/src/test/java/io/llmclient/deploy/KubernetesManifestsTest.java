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
 * ConfigMap and setting exists. Several replicas (issue 21): at least three, spread over nodes,
 * a disruption budget and an autoscaler on the service's pods, and Redis as a StatefulSet that
 * persists every change on a volume claim and never evicts; no secret in a ConfigMap.
 */
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("kubernetes");
    private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Map<String, String> API_VERSION = Map.of(
            "Deployment", "apps/v1", "Service", "v1", "ConfigMap", "v1", "Secret", "v1",
            "StatefulSet", "apps/v1", "PodDisruptionBudget", "policy/v1",
            "HorizontalPodAutoscaler", "autoscaling/v2");
    // The service's own objects; Redis (redis.yaml) has a Service, a ConfigMap and a Secret too.
    private static final String SERVICE = "llm-client-service";
    private static final String CONFIG = "llm-client-config";
    private static final String KEYS = "llm-client-keys";

    // Field names of the Kubernetes API objects as written in these manifests (core/v1, apps/v1).
    private static final Set<String> DEPLOYMENT_SPEC = Set.of("replicas", "selector", "template", "strategy",
            "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds", "paused");
    private static final Set<String> DEPLOYMENT_STRATEGY = Set.of("type", "rollingUpdate");
    private static final Set<String> ROLLING_UPDATE = Set.of("maxSurge", "maxUnavailable");
    private static final Set<String> STATEFUL_SET_SPEC = Set.of("replicas", "selector", "template", "serviceName",
            "volumeClaimTemplates", "updateStrategy", "podManagementPolicy", "revisionHistoryLimit",
            "minReadySeconds", "persistentVolumeClaimRetentionPolicy", "ordinals");
    private static final Set<String> CLAIM_SPEC = Set.of("accessModes", "resources", "storageClassName",
            "volumeMode", "selector", "dataSource", "dataSourceRef", "volumeAttributesClassName");
    private static final Set<String> TOPOLOGY_SPREAD = Set.of("maxSkew", "topologyKey", "whenUnsatisfiable",
            "labelSelector", "minDomains", "nodeAffinityPolicy", "nodeTaintsPolicy", "matchLabelKeys");
    private static final Set<String> PDB_SPEC = Set.of("minAvailable", "maxUnavailable", "selector",
            "unhealthyPodEvictionPolicy");
    private static final Set<String> HPA_SPEC = Set.of("scaleTargetRef", "minReplicas", "maxReplicas", "metrics",
            "behavior");
    private static final Set<String> HPA_SCALING_RULES = Set.of("stabilizationWindowSeconds", "selectPolicy",
            "policies", "tolerance");
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
        List<Map<String, Object>> found = allOfKind(kind);
        assertEquals(1, found.size(), "one " + kind);
        return found.getFirst();
    }

    private static List<Map<String, Object>> allOfKind(String kind) throws IOException {
        return documents().stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    private static Map<String, Object> named(String kind, String name) throws IOException {
        List<Map<String, Object>> found = allOfKind(kind).stream()
                .filter(d -> name.equals(at(d, "metadata").get("name"))).toList();
        assertEquals(1, found.size(), "one " + kind + " named " + name);
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

    private static Map<String, Object> redisContainer() throws IOException {
        return map(list(at(byKind("StatefulSet"), "spec", "template", "spec").get("containers")).getFirst());
    }

    /** The Deployment and the StatefulSet: everything that runs pods. */
    private static List<Map<String, Object>> workloads() throws IOException {
        return List.of(byKind("Deployment"), byKind("StatefulSet"));
    }

    @Test
    void everyManifestHasTheApiVersionOfItsKindAndAValidName() throws IOException {
        List<Map<String, Object>> docs = documents();
        assertEquals(Set.of("Deployment", "Service", "ConfigMap", "Secret", "StatefulSet", "PodDisruptionBudget",
                "HorizontalPodAutoscaler"),
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
        allOfKind("Service").forEach(service -> onlyKnownFields("Service.spec", at(service, "spec"), SERVICE_SPEC));
        onlyKnownFields("Deployment.spec.strategy", at(deployment, "spec", "strategy"), DEPLOYMENT_STRATEGY);
        onlyKnownFields("rollingUpdate", at(deployment, "spec", "strategy", "rollingUpdate"), ROLLING_UPDATE);
        list(pod.get("topologySpreadConstraints"))
                .forEach(c -> onlyKnownFields("topologySpreadConstraints", map(c), TOPOLOGY_SPREAD));
    }

    @Test
    void theStatefulSetTheBudgetAndTheAutoscalerUseOnlyFieldsTheKubernetesApiDefines() throws IOException {
        Map<String, Object> statefulSet = byKind("StatefulSet");
        onlyKnownFields("StatefulSet.spec", at(statefulSet, "spec"), STATEFUL_SET_SPEC);
        Map<String, Object> pod = at(statefulSet, "spec", "template", "spec");
        onlyKnownFields("Redis pod spec", pod, POD_SPEC);
        onlyKnownFields("Redis pod securityContext", at(pod, "securityContext"), POD_SECURITY);
        Map<String, Object> container = redisContainer();
        onlyKnownFields("Redis container", container, CONTAINER);
        onlyKnownFields("Redis container securityContext", at(container, "securityContext"), CONTAINER_SECURITY);
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            onlyKnownFields("Redis " + probe, at(container, probe), PROBE);
        }
        list(at(statefulSet, "spec").get("volumeClaimTemplates"))
                .forEach(c -> onlyKnownFields("volumeClaimTemplate.spec", at(map(c), "spec"), CLAIM_SPEC));
        onlyKnownFields("PodDisruptionBudget.spec", at(byKind("PodDisruptionBudget"), "spec"), PDB_SPEC);
        Map<String, Object> hpa = at(byKind("HorizontalPodAutoscaler"), "spec");
        onlyKnownFields("HorizontalPodAutoscaler.spec", hpa, HPA_SPEC);
        onlyKnownFields("behavior.scaleUp", at(hpa, "behavior", "scaleUp"), HPA_SCALING_RULES);
        onlyKnownFields("behavior.scaleDown", at(hpa, "behavior", "scaleDown"), HPA_SCALING_RULES);
    }

    @Test
    void everyPodRunsAsNonRootWithNoPrivilegesAndAReadOnlyRoot() throws IOException {
        for (Map<String, Object> workload : workloads()) {
            Map<String, Object> podSpec = at(workload, "spec", "template", "spec");
            Map<String, Object> pod = at(podSpec, "securityContext");
            assertEquals(true, pod.get("runAsNonRoot"), workload.get("kind") + " runAsNonRoot");
            assertNotEquals(0, pod.get("runAsUser"));
            assertEquals(false, podSpec.get("automountServiceAccountToken"), "no API token in the pod");
            for (Object each : list(podSpec.get("containers"))) {
                Map<String, Object> container = at(map(each), "securityContext");
                assertEquals(false, container.get("allowPrivilegeEscalation"));
                assertEquals(true, container.get("readOnlyRootFilesystem"));
                assertEquals(List.of("ALL"), at(container, "capabilities").get("drop"));
            }
        }
    }

    @Test
    void everyImageIsPinnedByATag() throws IOException {
        for (Map<String, Object> workload : workloads()) {
            for (Object each : list(at(workload, "spec", "template", "spec").get("containers"))) {
                String image = (String) map(each).get("image");
                String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "";
                assertTrue(!tag.isEmpty() && !tag.equals("latest") && !tag.contains("/"), "pinned by tag: " + image);
            }
        }
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
        for (Map<String, Object> container : List.of(container(), redisContainer())) {
            Map<String, Object> resources = at(container, "resources");
            assertTrue(at(resources, "requests").keySet().containsAll(Set.of("cpu", "memory")), String.valueOf(container.get("name")));
            assertTrue(at(resources, "limits").containsKey("memory"), String.valueOf(container.get("name")));
        }
    }

    @Test
    void theServiceSelectsThePodsAndTargetsTheirNamedPort() throws IOException {
        Map<String, Object> deployment = byKind("Deployment");
        Map<String, Object> podLabels = at(deployment, "spec", "template", "metadata", "labels");
        Map<String, Object> matchLabels = at(deployment, "spec", "selector", "matchLabels");
        assertTrue(podLabels.entrySet().containsAll(matchLabels.entrySet()), "the selector matches the pod");
        Map<String, Object> service = at(named("Service", SERVICE), "spec");
        assertTrue(podLabels.entrySet().containsAll(at(service, "selector").entrySet()), "the Service selects the pods");
        Map<String, Object> redisLabels = at(byKind("StatefulSet"), "spec", "template", "metadata", "labels");
        assertFalse(redisLabels.entrySet().containsAll(at(service, "selector").entrySet()), "not Redis's pods");
        Set<Object> portNames = Set.copyOf(list(container().get("ports")).stream().map(p -> map(p).get("name")).toList());
        list(service.get("ports")).forEach(p -> assertTrue(portNames.contains(map(p).get("targetPort"))));
    }

    @Test
    void everySecretAndConfigMapReferenceResolves() throws IOException {
        for (Map<String, Object> workload : workloads()) {
            Map<String, Object> podSpec = at(workload, "spec", "template", "spec");
            for (Object each : list(podSpec.get("containers"))) {
                Map<String, Object> container = map(each);
                for (Object entry : list(container.get("env"))) {
                    Map<String, Object> env = map(entry);
                    if (env.containsKey("valueFrom")) {
                        Map<String, Object> ref = at(env, "valueFrom", "secretKeyRef");
                        Map<String, Object> secret = named("Secret", (String) ref.get("name"));
                        assertTrue(at(secret, "stringData").containsKey((String) ref.get("key")),
                                "key " + ref.get("key") + " of " + env.get("name"));
                    }
                }
                if (container.containsKey("envFrom")) {
                    list(container.get("envFrom")).forEach(e -> assertConfigMap((String) at(map(e), "configMapRef").get("name")));
                }
            }
            if (podSpec.containsKey("volumes")) {
                list(podSpec.get("volumes")).stream().map(KubernetesManifestsTest::map).filter(v -> v.containsKey("configMap"))
                        .forEach(v -> assertConfigMap((String) at(v, "configMap").get("name")));
            }
        }
        list(container().get("envFrom")).forEach(e -> assertEquals(CONFIG, at(map(e), "configMapRef").get("name")));
    }

    private static void assertConfigMap(String name) {
        try {
            named("ConfigMap", name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everySettingNamedIsOneTheServiceReads() throws IOException {
        Set<String> known = settingsInEnvExample();
        var named = new HashSet<String>(at(named("ConfigMap", CONFIG), "data").keySet());
        list(container().get("env")).forEach(e -> named.add((String) map(e).get("name")));
        named.addAll(at(named("Secret", KEYS), "stringData").keySet());
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
        assertFalse(at(named("ConfigMap", CONFIG), "data").containsKey("LLM_AUDIT_LOG_FILE"), "set once, in the Deployment");
    }

    @Test
    void atLeastThreeReplicasSpreadOverNodesAndARolloutNeverGoesBelowThem() throws IOException {
        Map<String, Object> deployment = byKind("Deployment");
        int replicas = ((Number) at(deployment, "spec").get("replicas")).intValue();
        assertTrue(replicas >= 3, "replicas " + replicas + ": one lost still leaves two");
        Map<String, Object> podLabels = at(deployment, "spec", "template", "metadata", "labels");
        Map<String, Object> pod = at(deployment, "spec", "template", "spec");
        boolean perNode = list(pod.get("topologySpreadConstraints")).stream().map(KubernetesManifestsTest::map)
                .anyMatch(c -> "kubernetes.io/hostname".equals(c.get("topologyKey"))
                        && "DoNotSchedule".equals(c.get("whenUnsatisfiable"))
                        && ((Number) c.get("maxSkew")).intValue() == 1
                        && podLabels.entrySet().containsAll(at(c, "labelSelector", "matchLabels").entrySet()));
        assertTrue(perNode, "a hostname spread of the service's own pods, maxSkew 1, DoNotSchedule");
        Map<String, Object> rolling = at(deployment, "spec", "strategy", "rollingUpdate");
        assertEquals(0, rolling.get("maxUnavailable"), "a rollout adds a pod before it removes one");
    }

    @Test
    void theDisruptionBudgetSelectsTheServicePodsAndLetsOneGoAtATime() throws IOException {
        Map<String, Object> budget = at(byKind("PodDisruptionBudget"), "spec");
        Map<String, Object> podLabels = at(byKind("Deployment"), "spec", "template", "metadata", "labels");
        Map<String, Object> selector = at(budget, "selector", "matchLabels");
        assertFalse(selector.isEmpty(), "an empty selector would select every pod of the namespace");
        assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), "the budget selects the service's pods");
        Map<String, Object> redisLabels = at(byKind("StatefulSet"), "spec", "template", "metadata", "labels");
        assertFalse(redisLabels.entrySet().containsAll(selector.entrySet()), "and not Redis's");
        int replicas = ((Number) at(byKind("Deployment"), "spec").get("replicas")).intValue();
        if (budget.containsKey("maxUnavailable")) {
            assertEquals(1, budget.get("maxUnavailable"));
        } else {
            int minAvailable = ((Number) budget.get("minAvailable")).intValue();
            assertTrue(minAvailable >= 2 && minAvailable < replicas, "minAvailable " + minAvailable);
        }
    }

    @Test
    void theAutoscalerTargetsTheDeploymentFromItsReplicaCountUpOnCpuAndScalesDownSlowly() throws IOException {
        Map<String, Object> deployment = byKind("Deployment");
        Map<String, Object> hpa = at(byKind("HorizontalPodAutoscaler"), "spec");
        Map<String, Object> target = at(hpa, "scaleTargetRef");
        assertEquals("apps/v1", target.get("apiVersion"));
        assertEquals("Deployment", target.get("kind"));
        assertEquals(at(deployment, "metadata").get("name"), target.get("name"));
        int min = ((Number) hpa.get("minReplicas")).intValue();
        int max = ((Number) hpa.get("maxReplicas")).intValue();
        assertEquals(at(deployment, "spec").get("replicas"), min, "the autoscaler's floor is the Deployment's count");
        assertTrue(max > min, "maxReplicas " + max);
        boolean cpu = list(hpa.get("metrics")).stream().map(KubernetesManifestsTest::map)
                .anyMatch(m -> "Resource".equals(m.get("type")) && "cpu".equals(at(m, "resource").get("name")));
        assertTrue(cpu, "scales on CPU");
        assertTrue(at(container(), "resources", "requests").containsKey("cpu"), "CPU utilisation needs a CPU request");
        int window = ((Number) at(hpa, "behavior", "scaleDown").get("stabilizationWindowSeconds")).intValue();
        int grace = ((Number) at(deployment, "spec", "template", "spec").get("terminationGracePeriodSeconds")).intValue();
        assertTrue(window >= 300 && window > grace, "scale-down stabilisation " + window + " s: long enough for streams");
    }

    @Test
    void redisPersistsEveryChangeOnAVolumeClaimAndNeverEvicts() throws IOException {
        Map<String, Object> statefulSet = byKind("StatefulSet");
        Map<String, String> conf = redisConf();
        assertEquals("yes", conf.get("appendonly"));
        assertEquals("everysec", conf.get("appendfsync"));
        // An eviction policy would delete windows and spend to make room: limits reset silently.
        assertEquals("noeviction", conf.get("maxmemory-policy"));
        long maxmemory = bytes(conf.get("maxmemory"));
        long limit = bytes((String) at(redisContainer(), "resources", "limits").get("memory"));
        assertTrue(maxmemory > 0 && maxmemory < limit, "maxmemory " + maxmemory + " below the limit " + limit);
        Set<Object> claims = Set.copyOf(list(at(statefulSet, "spec").get("volumeClaimTemplates")).stream()
                .map(c -> at(map(c), "metadata").get("name")).toList());
        boolean dataOnClaim = list(redisContainer().get("volumeMounts")).stream().map(KubernetesManifestsTest::map)
                .anyMatch(m -> claims.contains(m.get("name")) && conf.get("dir").equals(m.get("mountPath")));
        assertTrue(dataOnClaim, "Redis's dir " + conf.get("dir") + " is on a volume claim " + claims);
        assertTrue(((String) redisContainer().get("image")).startsWith("redis:7."), "Redis 7.x, pinned");
        assertFalse(String.join(" ", conf.keySet()).contains("requirepass"), "the password is not in the ConfigMap");
    }

    @Test
    void redisHasAHeadlessServiceAndProbesThatPingIt() throws IOException {
        Map<String, Object> statefulSet = byKind("StatefulSet");
        Map<String, Object> service = named("Service", (String) at(statefulSet, "spec").get("serviceName"));
        assertEquals("None", at(service, "spec").get("clusterIP"), "headless");
        Map<String, Object> podLabels = at(statefulSet, "spec", "template", "metadata", "labels");
        assertTrue(podLabels.entrySet().containsAll(at(service, "spec", "selector").entrySet()));
        Map<String, Object> selector = at(statefulSet, "spec", "selector", "matchLabels");
        assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), "the selector matches the pod");
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            String command = String.join(" ", list(at(redisContainer(), probe, "exec").get("command")).stream()
                    .map(String::valueOf).toList());
            assertTrue(command.contains("redis-cli") && command.contains("ping"), probe + ": " + command);
        }
        Set<String> env = Set.copyOf(list(redisContainer().get("env")).stream().map(e -> (String) map(e).get("name")).toList());
        assertTrue(env.contains("REDISCLI_AUTH"), "the probes authenticate without the password on a command line");
    }

    @Test
    void theStateUrlComesFromASecretAndNamesTheRedisPodAndPort() throws IOException {
        Map<String, Object> ref = list(container().get("env")).stream().map(KubernetesManifestsTest::map)
                .filter(e -> "LLM_STATE_URL".equals(e.get("name"))).findFirst()
                .map(e -> at(e, "valueFrom", "secretKeyRef")).orElseThrow(() -> new AssertionError("LLM_STATE_URL"));
        assertNotEquals(true, ref.get("optional"), "three replicas without shared state each admit a key's limit");
        String url = (String) at(named("Secret", (String) ref.get("name")), "stringData").get(ref.get("key"));
        Map<String, Object> statefulSet = byKind("StatefulSet");
        String host = at(statefulSet, "metadata").get("name") + "-0." + at(statefulSet, "spec").get("serviceName");
        Object port = map(list(redisContainer().get("ports")).getFirst()).get("containerPort");
        assertTrue(url.matches("rediss?://[^@/]*@" + Pattern.quote(host) + ":" + port + "(/\\d+)?"), url);
        assertEquals(conf("port"), String.valueOf(port), "redis.conf's port is the container's");
        for (String setting : List.of("LLM_STATE_PREFIX", "LLM_STATE_TIMEOUT", "LLM_STATE_FAILURE_MODE")) {
            assertTrue(at(named("ConfigMap", CONFIG), "data").containsKey(setting), setting + " in the ConfigMap");
        }
    }

    @Test
    void noConfigMapHoldsASecret() throws IOException {
        var secretKeys = new HashSet<String>();
        allOfKind("Secret").forEach(s -> secretKeys.addAll(at(s, "stringData").keySet()));
        Pattern credentialInUrl = Pattern.compile("://[^/@\\s]*:[^/@\\s]*@");
        Pattern secretName = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|API_KEY|API_KEYS|STATE_URL)$");
        for (Map<String, Object> configMap : allOfKind("ConfigMap")) {
            for (Map.Entry<String, Object> entry : at(configMap, "data").entrySet()) {
                String where = at(configMap, "metadata").get("name") + "." + entry.getKey();
                assertFalse(secretKeys.contains(entry.getKey()), where + " is a Secret's key");
                assertFalse(secretName.matcher(entry.getKey()).matches(), where + " is named like a secret");
                String value = String.valueOf(entry.getValue());
                assertFalse(credentialInUrl.matcher(value).find(), where + " has a URL with a password");
                assertFalse(value.matches("(?s).*(?m)^\\s*(requirepass|masterauth)\\s.*"), where + " sets a password");
            }
        }
    }

    /** redis.conf from the ConfigMap the StatefulSet mounts, one directive per line. */
    private static Map<String, String> redisConf() throws IOException {
        Map<String, Object> pod = at(byKind("StatefulSet"), "spec", "template", "spec");
        String configMap = list(pod.get("volumes")).stream().map(KubernetesManifestsTest::map)
                .filter(v -> v.containsKey("configMap")).map(v -> (String) at(v, "configMap").get("name"))
                .findFirst().orElseThrow(() -> new AssertionError("Redis mounts no ConfigMap"));
        String text = (String) at(named("ConfigMap", configMap), "data").get("redis.conf");
        assertTrue(text != null, "redis.conf in " + configMap);
        var conf = new java.util.LinkedHashMap<String, String>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                String[] parts = trimmed.split("\\s+", 2);
                assertTrue(conf.put(parts[0], parts.length > 1 ? parts[1] : "") == null, "one " + parts[0]);
            }
        }
        String command = String.join(" ", list(redisContainer().get("command")).stream().map(String::valueOf).toList());
        assertTrue(command.contains("/" + "redis.conf"), "redis-server reads the mounted redis.conf: " + command);
        return conf;
    }

    private static String conf(String directive) throws IOException {
        return redisConf().get(directive);
    }

    /** Redis's "384mb" and Kubernetes's "512Mi", in bytes. */
    private static long bytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)\\s*(mb|gb|kb|Mi|Gi|Ki|)").matcher(quantity.strip());
        assertTrue(m.matches(), "a size: " + quantity);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "kb", "Ki" -> n << 10;
            case "mb", "Mi" -> n << 20;
            case "gb", "Gi" -> n << 30;
            default -> n;
        };
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
