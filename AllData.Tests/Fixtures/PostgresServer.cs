using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AllData.Tests.Fixtures;

/// <summary>
/// One throwaway PostgreSQL server per test run: initdb into a temporary folder, started on a free loopback port,
/// stopped and deleted when the test process exits. As root, the server binaries run as the postgres user.
/// </summary>
public sealed class PostgresServer
{
    public const string SuperUser = "postgres";
    public const string SuperPassword = "alldata-test";
    public const string RootFolder = "/tmp/alldata-tests";

    private static readonly Lazy<PostgresServer> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly string _dataDir;
    private readonly string _binDir;

    private PostgresServer(string folder, string binDir, int port)
    {
        Folder = folder;
        _dataDir = Path.Combine(folder, "data");
        _binDir = binDir;
        Port = port;
    }

    public static PostgresServer Instance => Shared.Value;

    public string Folder { get; }

    public int Port { get; }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Password = SuperPassword,
        Database = database,
        Pooling = true,
    }.ConnectionString;

    /// <summary>Creates an empty database with a unique name and returns its name.</summary>
    public string CreateDatabase(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        conn.Open();
        using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        cmd.ExecuteNonQuery();
        return name;
    }

    public void DropDatabase(string name)
    {
        NpgsqlConnection.ClearAllPools();
        using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        conn.Open();
        using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
        cmd.ExecuteNonQuery();
    }

    private static PostgresServer Start()
    {
        var binDir = FindBinDir();
        Directory.CreateDirectory(RootFolder);
        var name = $"pg-{Environment.ProcessId}-{Guid.NewGuid():N}";
        var folder = Path.Combine(RootFolder, name[..Math.Min(40, name.Length)]);
        Directory.CreateDirectory(folder);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            Run("chown", ["-R", "postgres:postgres", folder]);
            Run("chmod", ["755", RootFolder]);
        }

        var pwFile = Path.Combine(folder, "pw");
        File.WriteAllText(pwFile, SuperPassword);
        if (asRoot)
        {
            Run("chown", ["postgres:postgres", pwFile]);
        }

        var server = new PostgresServer(folder, binDir, FreePort());
        server.Pg("initdb", ["-D", server._dataDir, "-U", SuperUser, "--pwfile", pwFile, "--auth-host=scram-sha-256",
            "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        server.Pg("pg_ctl", ["-D", server._dataDir, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "30",
            "-o", $"-p {server.Port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", "start"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    private void Stop()
    {
        try
        {
            Pg("pg_ctl", ["-D", _dataDir, "-m", "immediate", "-w", "stop"]);
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // test.sh sweeps leftovers under RootFolder.
        }
    }

    private void Pg(string tool, string[] args)
    {
        var exe = Path.Combine(_binDir, tool);
        if (Environment.UserName == "root")
        {
            Run("runuser", ["-u", "postgres", "--", exe, .. args]);
        }
        else
        {
            Run(exe, args);
        }
    }

    private static void Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/tmp" };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}{stdout.Result}");
        }
    }

    private static string FindBinDir()
    {
        var root = "/usr/lib/postgresql";
        var dir = Directory.Exists(root)
            ? Directory.GetDirectories(root).OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            : null;
        return dir ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql: run ./test.sh, which installs them.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
