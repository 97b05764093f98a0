using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CleanSse.Infrastructure.Persistence.Writing;

/// <summary>
/// Writes a context's added rows with INSERT statements prepared once on the writer's connection. EF Core's
/// SaveChanges built, sorted and prepared its command batch again for every save, inside the one writer that every
/// write waits for: about half of an order's CPU. Here the rows' parameters are taken on the caller's thread, from the
/// same model and type mappings SaveChanges uses, and the writer only binds and steps. A context holding anything but
/// added rows of plain tables (an update, a delete, a relationship, a value the store generates other than an integer
/// key) is saved by EF Core as before.
/// </summary>
internal sealed class PreparedInsertStatements(WriterDialect dialect)
{
    private readonly ConcurrentDictionary<IEntityType, InsertShape?> _shapes = new();
    private readonly ConditionalWeakTable<DbConnection, Dictionary<InsertShape, DbCommand>> _prepared = new();

    /// <summary>
    /// The context's pending changes as prepared inserts, or null when they are not all added rows this can write.
    /// </summary>
    public AddedRows? TryCapture(DbContext context) => TryCapture(context, []);

    /// <summary>
    /// As <see cref="TryCapture(DbContext)"/>, with <paramref name="untracked"/> rows added beside the tracked ones, read
    /// from the objects themselves; null as well when one of those cannot be written so.
    /// </summary>
    public AddedRows? TryCapture(DbContext context, IReadOnlyList<object> untracked)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(untracked);
        var tracker = context.ChangeTracker;
        if (tracker.AutoDetectChangesEnabled && AnyNotAdded(tracker))
        {
            // A tracked row may have been changed since it was read: only detecting changes tells, as SaveChanges would.
            tracker.DetectChanges();
        }

        // Otherwise every entry was added, and stays added whatever detecting changes finds: the lines added to an order
        // are read from the order itself below. Detecting them cost about 4 % of an order's CPU.
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        List<AddedRow>? rows;
        try
        {
            if (!TryCaptureTracked(tracker, out rows))
            {
                return null;
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }

        foreach (var entity in untracked)
        {
            if (context.Model.FindEntityType(entity.GetType()) is not { } entityType
                || ShapeOf(entityType) is not { ReadsUntracked: true } shape)
            {
                return null;
            }

            (rows ??= []).Add(shape.Capture(entity));
        }

        return rows is null ? null : new AddedRows(this, rows);
    }

    private InsertShape? ShapeOf(IEntityType entityType) =>
        _shapes.GetOrAdd(entityType, static (type, dialect) => InsertShape.TryCreate(type, dialect), dialect);

    private static bool AnyNotAdded(ChangeTracker tracker)
    {
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            return tracker.Entries().Any(entry => entry.State != EntityState.Added);
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    private bool TryCaptureTracked(ChangeTracker tracker, out List<AddedRow>? rows)
    {
        rows = null;
        var ownedInJson = 0;
        var ownedAdded = 0;
        foreach (var entry in tracker.Entries())
        {
            switch (entry.State)
            {
                case EntityState.Unchanged:
                    continue;
                case EntityState.Added when entry.Metadata.IsOwned():
                    ownedAdded++;
                    continue;
                case EntityState.Added:
                    if (ShapeOf(entry.Metadata) is not { } shape)
                    {
                        return false;
                    }

                    (rows ??= []).Add(shape.Capture(entry, ref ownedInJson));
                    continue;
                default:
                    return false;
            }
        }

        // Each added owned row must be one written inside its added owner's JSON; any other is a change this cannot write.
        return ownedAdded == ownedInJson;
    }

    // Prepared with the first row's parameters, which later rows only lend their values to: Npgsql ties a prepared
    // statement's placeholders to the parameter objects it was prepared with, and infers their types from them. A later
    // row makes no parameter of its own: its values are converted as the column's type mapping converts a parameter's.
    private DbCommand CommandFor(DbConnection connection, DbTransaction transaction, AddedRow row)
    {
        var commands = _prepared.GetValue(connection, _ => []);
        if (commands.TryGetValue(row.Shape, out var command))
        {
            command.Transaction = transaction;
            for (var i = 0; i < row.Values.Length; i++)
            {
                command.Parameters[i].Value = row.Shape.ProviderValue(i, row.Values[i]);
            }

            return command;
        }

        command = connection.CreateCommand();
        command.CommandText = row.Shape.Sql;
        command.Transaction = transaction;
        command.Parameters.AddRange(row.Shape.CreateParameters(row.Values));
        command.Prepare();
        commands.Add(row.Shape, command);
        return command;
    }

    /// <summary>A context's added rows, ready to be inserted, and what the store generated for them once they are.</summary>
    internal sealed class AddedRows(PreparedInsertStatements statements, List<AddedRow> rows)
    {
        /// <summary>The tracked ones among the rows, as a failed save names them.</summary>
        public IReadOnlyList<EntityEntry> Entries => [.. rows.Where(row => row.Entry is not null).Select(row => row.Entry!)];

        /// <summary>Runs on the writer's connection, inside its transaction.</summary>
        public void Insert(DbConnection connection, DbTransaction transaction)
        {
            foreach (var row in rows)
            {
                var command = statements.CommandFor(connection, transaction, row);
                if (row.Shape.GeneratedKey is null)
                {
                    command.ExecuteNonQuery();
                }
                else
                {
                    row.GeneratedKey = command.ExecuteScalar();
                }
            }
        }

        /// <summary>Adds this write's inserts to a batch of the group's.</summary>
        public void AddTo(DbBatch batch)
        {
            foreach (var row in rows)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = row.Shape.Sql;
                command.Parameters.AddRange(row.Shape.CreateParameters(row.Values));
                batch.BatchCommands.Add(command);
            }
        }

        /// <summary>
        /// Reads the keys of this write's rows from the batch's results, which hold one result for each statement that
        /// returns one (<c>RETURNING</c>), in the order the statements were added.
        /// </summary>
        public async Task ReadGeneratedKeysAsync(DbDataReader reader)
        {
            foreach (var row in rows)
            {
                if (row.Shape.GeneratedKey is null)
                {
                    continue;
                }

                if (!await reader.ReadAsync())
                {
                    throw new InvalidOperationException($"The insert of {row.Shape.EntityType.DisplayName()} returned no key.");
                }

                row.GeneratedKey = reader.GetValue(0);
                await reader.NextResultAsync();
            }
        }

        /// <summary>The batch that generated them was rolled back.</summary>
        public void ForgetGeneratedKeys()
        {
            foreach (var row in rows)
            {
                row.GeneratedKey = null;
            }
        }

        /// <summary>Back on the caller's thread: the keys the store generated, set as SaveChanges sets them.</summary>
        public void ApplyGeneratedKeys()
        {
            foreach (var row in rows)
            {
                if (row.Shape.GeneratedKey is not { } key)
                {
                    continue;
                }

                var value = Convert.ChangeType(row.GeneratedKey, key.ClrType, System.Globalization.CultureInfo.InvariantCulture);
                if (row.Entry is { } entry)
                {
                    var property = entry.Property(key);
                    property.CurrentValue = value;
                    property.IsTemporary = false;
                }
                else
                {
                    key.PropertyInfo!.SetValue(row.Entity, value);
                }
            }
        }
    }

    internal sealed class AddedRow(InsertShape shape, EntityEntry? entry, object entity, object?[] values)
    {
        public InsertShape Shape { get; } = shape;

        /// <summary>The row's tracked entry; null for a row written from its object alone.</summary>
        public EntityEntry? Entry { get; } = entry;

        public object Entity { get; } = entity;

        /// <summary>The columns' values as the model holds them (before any conversion), then each JSON column's text.</summary>
        public object?[] Values { get; } = values;

        public object? GeneratedKey { get; set; }
    }

    /// <summary>How one entity type's rows are inserted: its statement, and where each parameter's value comes from.</summary>
    internal sealed class InsertShape
    {
        private static readonly JsonWriterOptions JsonOptions = new() { Indented = false };

        private readonly WriterDialect _dialect;
        private readonly Column[] _columns;
        private readonly JsonColumn[] _jsonColumns;
        private readonly string[] _parameterNames;

        private InsertShape(IEntityType entityType, WriterDialect dialect, string sql, Column[] columns, JsonColumn[] jsonColumns, IProperty? generatedKey)
        {
            EntityType = entityType;
            _dialect = dialect;
            Sql = sql;
            _columns = columns;
            _jsonColumns = jsonColumns;
            GeneratedKey = generatedKey;
            _parameterNames = [.. Enumerable.Range(0, columns.Length + jsonColumns.Length).Select(dialect.ParameterName)];
        }

        public IEntityType EntityType { get; }

        public string Sql { get; }

        /// <summary>
        /// Whether a row can be written from its object alone: every column is a CLR property (no shadow value only the
        /// tracker holds), and a generated key can be set back through its property.
        /// </summary>
        public bool ReadsUntracked =>
            _columns.All(column => !column.Property.IsShadowProperty())
            && GeneratedKey is null or { PropertyInfo.CanWrite: true };

        public IProperty? GeneratedKey { get; }

        public static InsertShape? TryCreate(IEntityType entityType, WriterDialect dialect)
        {
            if (entityType.BaseType is not null
                || entityType.GetDirectlyDerivedTypes().Any()
                || entityType.GetTableName() is not { } table
                || entityType.GetSchema() is not null
                || entityType.GetInsertStoredProcedure() is not null
                || entityType.GetForeignKeys().Any()
                || entityType.GetSkipNavigations().Any()
                || entityType.GetReferencingForeignKeys().Any(foreignKey => !foreignKey.IsOwnership))
            {
                return null;
            }

            var store = StoreObjectIdentifier.Table(table);
            var columns = new List<Column>();
            IProperty? generatedKey = null;
            foreach (var property in entityType.GetProperties())
            {
                if (property.GetComputedColumnSql() is not null || property.GetDefaultValueSql() is not null || property.GetColumnName(store) is not { } name)
                {
                    return null;
                }

                if (property.ValueGenerated != ValueGenerated.Never)
                {
                    // An integer key the store assigns (SQLite's rowid, a PostgreSQL identity) comes back through
                    // RETURNING; any other generated value is left to EF Core.
                    if (!property.IsPrimaryKey() || generatedKey is not null || property.ClrType != typeof(long) && property.ClrType != typeof(int))
                    {
                        return null;
                    }

                    generatedKey = property;
                    continue;
                }

                columns.Add(new Column(name, property, (RelationalTypeMapping)property.GetTypeMapping()));
            }

            var jsonColumns = new List<JsonColumn>();
            foreach (var navigation in entityType.GetNavigations())
            {
                var owned = navigation.TargetEntityType;
                if (!navigation.ForeignKey.IsOwnership
                    || !owned.IsMappedToJson()
                    || owned.GetContainerColumnName() is not { } container
                    || owned.GetNavigations().Any())
                {
                    return null;
                }

                var properties = new List<JsonProperty>();
                foreach (var property in owned.GetProperties())
                {
                    if (property.GetJsonPropertyName() is not { } jsonName)
                    {
                        // The owner's key and the ordinal: implied by where the object sits, never written.
                        if (property.IsKey() || property.IsForeignKey())
                        {
                            continue;
                        }

                        return null;
                    }

                    if (property.IsShadowProperty())
                    {
                        return null;
                    }

                    var readerWriter = property.GetJsonValueReaderWriter() ?? property.GetTypeMapping().JsonValueReaderWriter;
                    if (readerWriter is null)
                    {
                        return null;
                    }

                    properties.Add(new JsonProperty(JsonEncodedText.Encode(jsonName), property, readerWriter));
                }

                jsonColumns.Add(new JsonColumn(container, navigation, [.. properties]));
            }

            var names = columns.Select(column => column.Name).Concat(jsonColumns.Select(column => column.Name)).ToList();
            var sql = new StringBuilder()
                .Append("INSERT INTO ").Append(Quote(table)).Append(" (")
                .AppendJoin(", ", names.Select(Quote))
                .Append(") VALUES (")
                .AppendJoin(", ", names.Select((_, index) => dialect.Placeholder(index)))
                .Append(')');
            if (generatedKey is not null)
            {
                sql.Append(" RETURNING ").Append(Quote(generatedKey.GetColumnName(store)!));
            }

            return new InsertShape(entityType, dialect, sql.ToString(), [.. columns], [.. jsonColumns], generatedKey);
        }

        public AddedRow Capture(EntityEntry entry, ref int ownedInJson)
        {
            var values = entry.CurrentValues;
            return Capture(entry, entry.Entity, property => values[property], ref ownedInJson);
        }

        /// <summary>A row no tracker knows, its values read through the model's own property getters.</summary>
        public AddedRow Capture(object entity)
        {
            var written = 0;
            return Capture(null, entity, property => property.GetGetter().GetClrValue(entity), ref written);
        }

        private AddedRow Capture(EntityEntry? entry, object entity, Func<IProperty, object?> valueOf, ref int ownedInJson)
        {
            var values = new object?[_columns.Length + _jsonColumns.Length];
            for (var i = 0; i < _columns.Length; i++)
            {
                values[i] = valueOf(_columns[i].Property);
            }

            for (var j = 0; j < _jsonColumns.Length; j++)
            {
                values[_columns.Length + j] = _jsonColumns[j].Write(entity, ref ownedInJson);
            }

            return new AddedRow(this, entry, entity, values);
        }

        /// <summary>
        /// A row's parameters, made by the columns' own type mappings as SaveChanges makes them: for the statement's
        /// preparation and for a batch. The command is only their factory.
        /// </summary>
        public DbParameter[] CreateParameters(object?[] values)
        {
            using var factory = _dialect.CreateParameterFactory();
            var parameters = new DbParameter[values.Length];
            for (var i = 0; i < _columns.Length; i++)
            {
                var column = _columns[i];
                parameters[i] = column.Mapping.CreateParameter(factory, _parameterNames[i], values[i], column.Property.IsNullable);
            }

            for (var j = _columns.Length; j < values.Length; j++)
            {
                parameters[j] = _dialect.CreateJsonParameter(_parameterNames[j], (string?)values[j]);
            }

            return parameters;
        }

        /// <summary>
        /// The value a parameter made by <see cref="CreateParameters"/> would hold, converted as
        /// <see cref="RelationalTypeMapping.CreateParameter"/> converts it: an enum normalized to the mapping's CLR type,
        /// then the mapping's converter, null as <see cref="DBNull"/>.
        /// </summary>
        public object ProviderValue(int index, object? value)
        {
            if (value is null || index >= _columns.Length)
            {
                return value ?? DBNull.Value;
            }

            var mapping = _columns[index].Mapping;
            var mapped = Nullable.GetUnderlyingType(mapping.ClrType) ?? mapping.ClrType;
            var type = value.GetType();
            if (type.IsEnum && !mapped.IsEnum)
            {
                value = Convert.ChangeType(value, Enum.GetUnderlyingType(type), System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (mapped.IsEnum && IsInteger(type))
            {
                value = Enum.ToObject(mapped, value);
            }

            return (mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value) ?? DBNull.Value;
        }

        private static bool IsInteger(Type type) =>
            !type.IsEnum && Type.GetTypeCode(type) is >= TypeCode.Char and <= TypeCode.UInt64;

        private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

        private sealed record Column(string Name, IProperty Property, RelationalTypeMapping Mapping);

        private sealed record JsonProperty(JsonEncodedText Name, IProperty Property, Microsoft.EntityFrameworkCore.Storage.Json.JsonValueReaderWriter Value);

        /// <summary>An owned reference or collection kept as JSON in a column of its owner's row.</summary>
        private sealed record JsonColumn(string Name, INavigation Navigation, JsonProperty[] Properties)
        {
            public string? Write(object owner, ref int written)
            {
                var value = Navigation.GetGetter().GetClrValueUsingContainingEntity(owner);
                if (value is null)
                {
                    return null;
                }

                var buffer = new ArrayBufferWriter<byte>(256);
                using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
                {
                    if (Navigation.IsCollection)
                    {
                        writer.WriteStartArray();
                        foreach (var element in (IEnumerable)value)
                        {
                            WriteObject(writer, element);
                            written++;
                        }

                        writer.WriteEndArray();
                    }
                    else
                    {
                        WriteObject(writer, value);
                        written++;
                    }
                }

                return Encoding.UTF8.GetString(buffer.WrittenSpan);
            }

            private void WriteObject(Utf8JsonWriter writer, object element)
            {
                writer.WriteStartObject();
                foreach (var property in Properties)
                {
                    writer.WritePropertyName(property.Name);
                    if (property.Property.GetGetter().GetClrValue(element) is { } propertyValue)
                    {
                        property.Value.ToJson(writer, propertyValue);
                    }
                    else
                    {
                        writer.WriteNullValue();
                    }
                }

                writer.WriteEndObject();
            }
        }
    }
}
