using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;

namespace AllData.Tests.Fixtures;

/// <summary>
/// One throwaway MariaDB server per test run (Debian's mariadb-server): mariadb-install-db into a temporary folder,
/// mariadbd started on a free port bound to 127.0.0.1 only, stopped and deleted when the test process exits. As root,
/// the server runs as the mysql user. An init file creates the test's admin user on every start.
/// </summary>
public sealed class MariaDbServer
{
    public const string AdminUser = "alldata";
    public const string AdminPassword = "alldata-test";
    public const string RootFolder = "/tmp/alldata-tests";

    private static readonly Lazy<MariaDbServer> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private Process? _process;

    private MariaDbServer(string folder, int port)
    {
        Folder = folder;
        Port = port;
    }

    public static MariaDbServer Instance => Shared.Value;

    public string Folder { get; }

    public int Port { get; }

    public string ServerVersion { get; private set; } = string.Empty;

    public string ConnectionString(string? database = null, string user = AdminUser, string password = AdminPassword) =>
        new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)Port,
            UserID = user,
            Password = password,
            Database = database ?? string.Empty,
            SslMode = MySqlSslMode.None,
            AllowUserVariables = true,
            Pooling = false,
        }.ConnectionString;

    /// <summary>
    /// A database with its own user who may see only it (so a catalog sync reads just this schema), with
    /// <paramref name="sql"/> run in it. Returns the database and the user (the password is <see cref="AdminPassword"/>).
    /// </summary>
    public (string Database, string User) CreateSource(string prefix, string sql = "")
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var database = $"{prefix}_{id}".ToLowerInvariant();
        var user = $"u_{id}";
        Execute(null, $"""
            CREATE DATABASE `{database}` CHARACTER SET utf8mb4;
            CREATE USER '{user}'@'%' IDENTIFIED BY '{AdminPassword}';
            GRANT ALL PRIVILEGES ON `{database}`.* TO '{user}'@'%';
            """);
        if (sql.Length > 0)
        {
            Execute(database, sql);
        }

        return (database, user);
    }

    public void Execute(string? database, string sql)
    {
        using var conn = new MySqlConnection(ConnectionString(database));
        conn.Open();
        using var cmd = new MySqlCommand(sql, conn);
        cmd.ExecuteNonQuery();
    }

    public object? Scalar(string? database, string sql)
    {
        using var conn = new MySqlConnection(ConnectionString(database));
        conn.Open();
        using var cmd = new MySqlCommand(sql, conn);
        return cmd.ExecuteScalar();
    }

    /// <summary>A small shop: keys, a composite unique, foreign keys, comments, an index, a view, zero dates and TINYINT(1).</summary>
    public const string DemoSchema = """
        CREATE TABLE customers (
            id INT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'Customer number',
            email VARCHAR(200) NOT NULL,
            name VARCHAR(100) NOT NULL DEFAULT 'anonymous',
            is_active TINYINT(1) NOT NULL DEFAULT 1,
            signed_up DATETIME NOT NULL DEFAULT '0000-00-00 00:00:00',
            PRIMARY KEY (id),
            UNIQUE KEY customers_email (email)
        ) ENGINE=InnoDB COMMENT='People who buy';
        CREATE TABLE orders (
            id BIGINT NOT NULL AUTO_INCREMENT,
            customer_id INT UNSIGNED NOT NULL,
            `order date` DATE NOT NULL,
            total DECIMAL(12,2) NOT NULL,
            note TEXT NULL,
            total_cents BIGINT AS (total * 100) STORED,
            PRIMARY KEY (id),
            KEY orders_by_date (`order date`, customer_id),
            CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
        ) ENGINE=InnoDB;
        CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
        INSERT INTO customers (email, name, is_active, signed_up) VALUES
            ('ann@example.com', 'Ann', 1, '2026-01-02 03:04:05'),
            ('bob@example.com', 'Bob', 2, '0000-00-00 00:00:00'),
            ('cy@example.com', 'Cy', 0, '2026-03-04 05:06:07');
        INSERT INTO orders (customer_id, `order date`, total, note) VALUES
            (1, '2026-01-05', 120.50, 'first'), (1, '2026-02-01', 30.00, NULL), (2, '2026-02-03', 999.99, 'big');
        ANALYZE TABLE customers, orders;
        """;

    private static MariaDbServer Start()
    {
        var installDb = Find("mariadb-install-db", "/usr/bin", "/usr/local/bin");
        var daemon = Find("mariadbd", "/usr/sbin", "/usr/bin", "/usr/local/sbin");
        Directory.CreateDirectory(RootFolder);
        var name = $"maria-{Environment.ProcessId}-{Guid.NewGuid():N}";
        var folder = Path.Combine(RootFolder, name[..Math.Min(40, name.Length)]);
        Directory.CreateDirectory(folder);
        var asRoot = Environment.UserName == "root";
        var dataDir = Path.Combine(folder, "data");
        var initFile = Path.Combine(folder, "init.sql");
        File.WriteAllText(initFile, $"""
            CREATE USER IF NOT EXISTS '{AdminUser}'@'%' IDENTIFIED BY '{AdminPassword}';
            GRANT ALL PRIVILEGES ON *.* TO '{AdminUser}'@'%' WITH GRANT OPTION;
            """);
        if (asRoot)
        {
            Run("chmod", ["755", RootFolder]);
            Run("chown", ["-R", "mysql:mysql", folder]);
        }

        string[] user = asRoot ? ["--user=mysql"] : [];
        Run(installDb, ["--no-defaults", .. user, $"--datadir={dataDir}", "--auth-root-authentication-method=socket", "--skip-test-db"]);
        var server = new MariaDbServer(folder, FreePort());
        var psi = new ProcessStartInfo(daemon) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/tmp" };
        foreach (var a in (string[])["--no-defaults", .. user, $"--datadir={dataDir}", $"--socket={Path.Combine(folder, "mysqld.sock")}",
                     $"--port={server.Port}", "--bind-address=127.0.0.1", "--skip-name-resolve", $"--init-file={initFile}",
                     $"--pid-file={Path.Combine(folder, "mysqld.pid")}", $"--log-error={Path.Combine(folder, "error.log")}",
                     "--innodb-flush-log-at-trx-commit=0", "--innodb-buffer-pool-size=64M", "--skip-log-bin", "--max-connections=300"])
        {
            psi.ArgumentList.Add(a);
        }

        server._process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start mariadbd.");
        server._process.OutputDataReceived += (_, _) => { };
        server._process.ErrorDataReceived += (_, _) => { };
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        server.ServerVersion = server.WaitUntilReady();
        return server;
    }

    /// <summary>Polls until the server accepts the admin user (at most 60 s).</summary>
    private string WaitUntilReady()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return Convert.ToString(Scalar(null, "SELECT VERSION()"), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            }
            catch (MySqlException) when (watch.Elapsed < TimeSpan.FromSeconds(60) && _process is { HasExited: false })
            {
                Thread.Sleep(100);
            }
            catch (MySqlException e)
            {
                var log = Path.Combine(Folder, "error.log");
                throw new InvalidOperationException($"MariaDB did not start: {e.Message}\n{(File.Exists(log) ? File.ReadAllText(log) : string.Empty)}", e);
            }
        }
    }

    private void Stop()
    {
        try
        {
            if (_process is { HasExited: false } p)
            {
                p.Kill();
                p.WaitForExit(10_000);
            }

            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            // Leftovers under RootFolder are swept by test.sh.
        }
    }

    private static string Find(string tool, params string[] folders) =>
        folders.Select(f => Path.Combine(f, tool)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} not found: install Debian's mariadb-server (./test.sh does it when missing).");

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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
