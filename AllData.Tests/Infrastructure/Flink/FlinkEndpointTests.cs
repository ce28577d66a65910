using AllData.Infrastructure.Flink;

namespace AllData.Tests.Infrastructure.Flink;

public sealed class FlinkEndpointTests
{
    [Theory]
    [InlineData("http://flink:8081", "http://flink:8081/")]
    [InlineData("https://flink.example.com/proxy/jm", "https://flink.example.com/proxy/jm/")]
    [InlineData("https://flink.example.com/proxy/jm/", "https://flink.example.com/proxy/jm/")]
    public void Http_and_tls_urls_are_accepted_with_their_path_kept(string url, string expected) =>
        Assert.Equal(expected, new FlinkEndpoint(new Uri(url)).BaseUrl.ToString());

    [Theory]
    [InlineData("ftp://flink:8081")]
    [InlineData("file:///tmp/flink")]
    public void Other_schemes_are_rejected(string url) =>
        Assert.Throws<ArgumentException>(() => new FlinkEndpoint(new Uri(url)));
}
