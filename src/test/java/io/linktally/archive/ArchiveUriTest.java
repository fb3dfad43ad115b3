package io.linktally.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ArchiveUriTest {
    @Test
    void parsesTheThreeKinds() {
        assertThat(ArchiveUri.parse("s3://my-bucket/raw/events/")).isEqualTo(new ArchiveUri.S3("my-bucket", "raw/events"));
        assertThat(ArchiveUri.parse("s3://my-bucket")).isEqualTo(new ArchiveUri.S3("my-bucket", ""));
        assertThat(ArchiveUri.parse("file:/var/lib/linktally/archive")).isEqualTo(new ArchiveUri.Directory(Path.of("/var/lib/linktally/archive")));
        assertThat(ArchiveUri.parse("file:///var/archive")).isEqualTo(new ArchiveUri.Directory(Path.of("/var/archive")));
        assertThat(ArchiveUri.parse("file:data/archive")).isEqualTo(new ArchiveUri.Directory(Path.of("data/archive")));
        assertThat(ArchiveUri.parse("none")).isEqualTo(new ArchiveUri.None());
        assertThat(ArchiveUri.parse("s3://b-1.x/p").toString()).isEqualTo("s3://b-1.x/p");
    }

    @Test
    void saysWhatIsWrongWithOthers() {
        assertThatThrownBy(() -> ArchiveUri.parse("s3://Bad_Bucket/x")).hasMessageContaining("not an S3 bucket name");
        assertThatThrownBy(() -> ArchiveUri.parse("gs://bucket")).hasMessageContaining("use s3://bucket/prefix, file:/path or none");
        assertThatThrownBy(() -> ArchiveUri.parse("file:")).hasMessageContaining("no directory");
    }
}
