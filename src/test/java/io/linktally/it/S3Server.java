package io.linktally.it;

import static org.awaitility.Awaitility.await;

import io.linktally.archive.ObjectStore;
import io.linktally.archive.S3ObjectStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API in the test's JVM: S3Proxy over a directory, on a fixed port, so that it can be
 * stopped (an outage) and started again over the same objects.
 */
final class S3Server implements AutoCloseable {
    static final String ACCESS_KEY = "linktally-it";
    static final String SECRET_KEY = "linktally-it-secret";
    static final String BUCKET = "archive";

    private final Path directory;
    private final int port;
    private S3Proxy proxy;

    private S3Server(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    static S3Server start(Path directory) throws Exception {
        S3Server server = new S3Server(directory, FreePorts.next());
        server.startProxy();
        try (S3Client client = server.client()) {
            client.createBucket(request -> request.bucket(BUCKET));
        }
        return server;
    }

    void startProxy() throws Exception {
        java.nio.file.Files.createDirectories(directory);
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", directory.toAbsolutePath().toString());
        properties.setProperty("jclouds.identity", ACCESS_KEY);
        properties.setProperty("jclouds.credential", SECRET_KEY);
        BlobStore blobs = BlobStores.create("filesystem-nio2", properties);
        proxy = S3Proxy.builder().blobStore(blobs).awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(endpoint()).build();
        proxy.start();
        await("S3Proxy started").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> "STARTED".equals(proxy.getState()));
    }

    /** S3 goes away: every request fails until {@link #startProxy()}. */
    void stopProxy() throws Exception {
        proxy.stop();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    S3Client client() {
        return S3Client.builder().endpointOverride(endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))).build();
    }

    ObjectStore store(String prefix) {
        return new S3ObjectStore(client(), BUCKET, prefix);
    }

    /** What a child process needs to reach this server through the AWS SDK's default chain. */
    Map<String, String> environment() {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", "us-east-1");
    }

    @Override
    public void close() throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
    }
}
