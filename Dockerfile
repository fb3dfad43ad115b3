# syntax=docker/dockerfile:1
# linktally: one image for every command (serve, broker, topics, produce).
#   docker build -t linktally .
#   docker run --rm linktally --help

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY topics ./topics
COPY src ./src
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# curl for the health checks of docker-compose.yml and orchestrators
RUN if ! command -v curl >/dev/null; then \
        apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*; \
    fi \
    && groupadd --system --gid 10001 linktally \
    && useradd --system --uid 10001 --gid linktally --home-dir /app --no-create-home --shell /usr/sbin/nologin linktally \
    && mkdir -p /app /data \
    && chown linktally:linktally /data
WORKDIR /app
COPY --from=build /src/target/linktally.jar /app/linktally.jar

# Kafka Streams state (and, for the embedded default, the broker's log) lives under /data.
ENV LINKTALLY_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
# Numeric, so that Kubernetes can check runAsNonRoot.
USER 10001:10001

ENTRYPOINT ["java", "-jar", "/app/linktally.jar"]
CMD ["serve"]
