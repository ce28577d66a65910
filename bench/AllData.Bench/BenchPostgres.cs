using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AllData.Bench;

/// <summary>A throwaway PostgreSQL server for the benchmark, started like the test fixture's.</summary>
internal sealed class BenchPostgres : IDisposable
{
    public const string Password = "alldata-bench";
    private readonly string _folder;
    private readonly string _bin;

    private BenchPostgres(string folder, string bin, int port)
    {
        _folder = folder;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Password = Password, Database = database, CommandTimeout = 600,
    }.ConnectionString;

    public static BenchPostgres Start()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d).Select(d => Path.Combine(d, "bin"))
            .First(d => File.Exists(Path.Combine(d, "initdb")));
        var folder = Path.Combine("/tmp", $"alldata-bench-{Guid.NewGuid():N}"[..28]);
        Directory.CreateDirectory(folder);
        var root = Environment.UserName == "root";
        File.WriteAllText(Path.Combine(folder, "pw"), Password);
        if (root)
        {
            Run("chown", "-R", "postgres:postgres", folder);
        }

        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var server = new BenchPostgres(folder, bin, port);
        server.Pg("initdb", "-D", Path.Combine(folder, "data"), "-U", "postgres", "--pwfile", Path.Combine(folder, "pw"),
            "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        server.Pg("pg_ctl", "-D", Path.Combine(folder, "data"), "-l", Path.Combine(folder, "server.log"), "-w", "-t", "30", "-o",
            $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_locks_per_transaction=2048{Explain()}", "start");
        return server;
    }

    /// <summary>With ALLDATA_BENCH_EXPLAIN=1, slow statements are logged with their plans (auto_explain) and printed at the end.</summary>
    private static string Explain() => Environment.GetEnvironmentVariable("ALLDATA_BENCH_EXPLAIN") == "1"
        ? " -c shared_preload_libraries=auto_explain -c auto_explain.log_min_duration=60 -c auto_explain.log_analyze=on"
        : string.Empty;

    public string ServerLog => File.ReadAllText(Path.Combine(_folder, "server.log"));

    public void CreateDatabase(string name)
    {
        using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        conn.Open();
        using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        try
        {
            Pg("pg_ctl", "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop");
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not clean up {_folder}: {e.Message}");
        }
    }

    private void Pg(string tool, params string[] args)
    {
        var exe = Path.Combine(_bin, tool);
        if (Environment.UserName == "root")
        {
            Run("runuser", ["-u", "postgres", "--", exe, .. args]);
        }
        else
        {
            Run(exe, args);
        }
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/tmp" };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {error}{output.Result}");
        }
    }
}
