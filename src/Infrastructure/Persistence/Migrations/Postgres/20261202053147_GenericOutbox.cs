using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CleanSse.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class GenericOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The rows become integration events: an id of their own instead of a stream key, the event type's stored
            // name and version instead of the SSE type, the order snapshot (unchanged JSON) as the payload.
            migrationBuilder.AlterColumn<string>(
                name: "Type",
                table: "OutboxMessages",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);

            migrationBuilder.RenameColumn(
                name: "Data",
                table: "OutboxMessages",
                newName: "Payload");

            migrationBuilder.RenameColumn(
                name: "CreatedAt",
                table: "OutboxMessages",
                newName: "OccurredAt");

            migrationBuilder.AddColumn<Guid>(
                name: "EventId",
                table: "OutboxMessages",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "OutboxMessages",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Rows written before this migration get an id derived from their row id: unique, and never equal to a
            // raised event's (version 7) id.
            migrationBuilder.Sql(
                """
                UPDATE "OutboxMessages" SET
                    "EventId" = ('00000000-0000-0000-0000-' || lpad(to_hex("Id"), 12, '0'))::uuid,
                    "Version" = 1,
                    "Type" = CASE "Type" WHEN 'new-order' THEN 'order-created' WHEN 'order-updated' THEN 'order-status-changed' ELSE "Type" END;
                """);

            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_Key",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "Key",
                table: "OutboxMessages");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_EventId",
                table: "OutboxMessages",
                column: "EventId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboxMessages_EventId",
                table: "OutboxMessages");

            migrationBuilder.AddColumn<string>(
                name: "Key",
                table: "OutboxMessages",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                defaultValue: "");

            migrationBuilder.Sql(
                """
                UPDATE "OutboxMessages" SET
                    "Key" = "EventId"::text,
                    "Type" = CASE "Type" WHEN 'order-created' THEN 'new-order' WHEN 'order-status-changed' THEN 'order-updated' ELSE "Type" END;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_Key",
                table: "OutboxMessages",
                column: "Key",
                unique: true);

            migrationBuilder.DropColumn(
                name: "EventId",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "OutboxMessages");

            migrationBuilder.RenameColumn(
                name: "OccurredAt",
                table: "OutboxMessages",
                newName: "CreatedAt");

            migrationBuilder.AlterColumn<string>(
                name: "Type",
                table: "OutboxMessages",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(128)",
                oldMaxLength: 128);

            migrationBuilder.RenameColumn(
                name: "Payload",
                table: "OutboxMessages",
                newName: "Data");
        }
    }
}
