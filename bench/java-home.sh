# Sourced by the bench scripts: JAVA_HOME to a JDK 25+ as ./mvnw picks it (the machine's
# default `java` may be 17, which cannot run the service's class files).
bench_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }
if [[ -z ${JAVA_HOME:-} || ! -x ${JAVA_HOME:-}/bin/java || $(bench_java_major "$JAVA_HOME") -lt 25 ]]; then
    for candidate in ${LLM_JDK25_HOME:-} /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64; do
        if [[ -x $candidate/bin/java ]]; then export JAVA_HOME=$candidate; break; fi
    done
fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JFR=${JAVA_HOME:+$JAVA_HOME/bin/}jfr
