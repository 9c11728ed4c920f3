# syntax=docker/dockerfile:1
# The image of one Meridian application, the gateway or the task server: the same layers, user and
# JVM settings for both. Build from the repository root after ./mvnw -B package:
#   docker build --build-arg MODULE=gateway --build-arg PORT=8080 -t meridian/gateway:<version> .
#   docker build --build-arg MODULE=task-server --build-arg PORT=9001 -t meridian/task-server:<version> .
# Spring Boot's layered extraction puts dependencies, the loader and the application in
# separate layers, so a code change rebuilds only the last few megabytes.
# Release builds pin the bases by digest: eclipse-temurin:21.0.7_6-jre-noble@sha256:<digest>.
ARG JRE=eclipse-temurin:21.0.7_6-jre-noble

FROM ${JRE} AS extract
# The Maven module whose executable jar goes in the image: gateway or task-server.
ARG MODULE
RUN test -n "$MODULE" || { echo "build with --build-arg MODULE=gateway or --build-arg MODULE=task-server" >&2; exit 1; }
WORKDIR /build
COPY ${MODULE}/target/meridian-${MODULE}-exec.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

FROM ${JRE}
# The port the application listens on, for EXPOSE only: 8080 for the gateway, 9001 for a task server.
ARG PORT
RUN test -n "$PORT" || { echo "build with --build-arg PORT=8080 (gateway) or --build-arg PORT=9001 (task-server)" >&2; exit 1; }
# A numeric, non-root user: Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
RUN groupadd --system --gid 10001 meridian \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin meridian
WORKDIR /app
COPY --from=extract /build/extracted/dependencies/ ./
COPY --from=extract /build/extracted/spring-boot-loader/ ./
COPY --from=extract /build/extracted/snapshot-dependencies/ ./
COPY --from=extract /build/extracted/application/ ./
USER 10001:10001
# The root filesystem may be read-only: the JVM and Netty write only to /tmp (an emptyDir).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Djava.io.tmpdir=/tmp"
EXPOSE ${PORT}
# No HEALTHCHECK: Kubernetes probes /actuator/health/liveness and /actuator/health/readiness.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
