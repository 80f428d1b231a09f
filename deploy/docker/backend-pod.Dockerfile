# syntax=docker/dockerfile:1
# The backend-pod image. Build from the repository root:
#   docker build -f deploy/docker/backend-pod.Dockerfile -t chatstream/backend-pod:dev .
# Stage 1 builds the runnable jar with Maven and a JDK; stage 2 runs it on a JRE as a non-root user.

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
# The whole reactor (filtered by backend-pod.Dockerfile.dockerignore): Maven reads every module's pom
# even when it builds one. Downloads are cached across builds in the ~/.m2 cache mount.
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl backend-pod -am package -DskipTests \
 && cp backend-pod/target/backend-pod.jar /backend-pod.jar

FROM eclipse-temurin:21-jre
# A fixed non-root user; the Kubernetes manifests run as the same uid (runAsUser: 10001).
RUN groupadd --system --gid 10001 chat \
 && useradd --system --uid 10001 --gid chat --no-create-home --home-dir /app --shell /usr/sbin/nologin chat
WORKDIR /app
COPY --from=build --chown=10001:10001 /backend-pod.jar /app/backend-pod.jar
USER 10001:10001
EXPOSE 8080
# Heap from the container's memory limit; exit (and be restarted) rather than limp on after an OOM.
# Kubernetes and compose set JAVA_TOOL_OPTIONS themselves; this is the default for a bare docker run.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=60 -XX:+ExitOnOutOfMemoryError" \
    HTTP_PORT=8080
# java is PID 1: SIGTERM reaches the JVM directly and starts the service's graceful shutdown.
ENTRYPOINT ["java", "-jar", "/app/backend-pod.jar"]
