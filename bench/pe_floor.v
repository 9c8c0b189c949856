// bench/pe_floor.v - the floor of Verilator's speed for a 16x16 array
// (bench/run.sh, row e): 256 PEs that do nothing but a registered
// 16 x 16 -> 32 bit multiply-accumulate, with tessera_top's ports so
// that the harness and the shim of runtime/ run it as they run a
// generated design.  Every PE is its own module instance, kept apart as
// in the generated designs; no register files, fills, drains, counters
// or sequencer.  It runs CYCLES cycles, writes the XOR of all the sums
// to DRAM word 0 (so that no PE is optimized away) and says done.
//
// Two more floors, built from this file with a define (run.sh):
//   FLOOR_RF   each PE reads its weight operand from a 9-word register
//              file (a 3x3 filter, as AlexNet conv3's C|K schedule keeps
//              its weights) every cycle, written 16 cycles in 256: the
//              least a PE that keeps a register file does;
//   PE_ALONE   256 instances of the tessera_pe that `tessera verilog
//              examples/alexnet_conv3.tsr` generates, which run.sh
//              appends to this file: its weight file read and written
//              as above, its two-word output file accumulating,
//              swapping halves every 16 cycles, filled, drained and
//              cleared now and then; what the design's PEs cost without
//              the rest of it.  Its ports are conv3's: if the emitter
//              changes them, the build fails and row e says so.
// Every port changes as the run goes: Verilator folds an instance's
// constant ports into its own copy of the PE's code (conv3's PE driven
// by constants ran at 49% of the floor, against about 30% so).
`default_nettype none
module floor_pe (
	input wire clk,
	input wire v_i,
	input wire [15:0] a_i,
	input wire [15:0] b_i,
`ifdef FLOOR_RF
	input wire [3:0] ra_i,
	input wire fw_i,
`endif
	output wire [31:0] acc_o
);
	/* verilator no_inline_module */
	reg v;
	reg signed [15:0] a;
	reg signed [31:0] acc;
`ifdef FLOOR_RF
	reg [3:0] ra;
	reg signed [15:0] rf [0:8];
	always @(posedge clk) begin
		v <= v_i;
		a <= a_i;
		ra <= ra_i;
		if (fw_i) rf[ra_i] <= b_i;
		if (v) acc <= acc + a * rf[ra];
	end
`else
	reg signed [15:0] b;
	always @(posedge clk) begin
		v <= v_i;
		a <= a_i;
		b <= b_i;
		if (v) acc <= acc + a * b;
	end
`endif
	assign acc_o = acc;
endmodule

module tessera_top #(parameter CYCLES = 1000000) (
	input wire clk,
	input wire rst,
	input wire start,
	output reg done,
	output reg mem_req,
	output reg mem_we,
	output reg [31:0] mem_addr,
	output reg [31:0] mem_wdata,
	output reg [63:0] mem_tag,
	input wire mem_rvalid,
	input wire [31:0] mem_rdata,
	input wire [63:0] mem_rtag
);
	reg run;
	reg [31:0] n;
	// the register files' address, and their writes, 16 cycles in 256
	reg [3:0] ra;
	wire fw = n[7:4] == 4'd0;
	always @(posedge clk) ra <= (rst || ra == 4'd8) ? 4'd0 : ra + 4'd1;
	reg [15:0] x [0:15];
	reg [15:0] w [0:15];
	wire [31:0] acc [0:255];
	integer i;
	always @(posedge clk) begin
		mem_req <= 1'b0;
		mem_we <= 1'b0;
		mem_addr <= 32'd0;
		mem_tag <= 64'd0;
		if (rst) begin
			run <= 1'b0;
			done <= 1'b0;
			n <= 32'd0;
			for (i = 0; i < 16; i = i + 1) begin
				x[i] <= i[15:0];
				w[i] <= 16'd1 + i[15:0];
			end
		end else if (start) begin
			run <= 1'b1;
		end else if (run) begin
			n <= n + 32'd1;
			for (i = 0; i < 16; i = i + 1) begin
				x[i] <= x[i] + 16'd3;
				w[i] <= w[i] ^ x[i];
			end
			if (n == CYCLES - 1) begin
				run <= 1'b0;
				mem_req <= 1'b1;
				mem_we <= 1'b1;
				mem_wdata <= sum;
				done <= 1'b1;
			end
		end
	end
	reg [31:0] sum;
	integer j;
	always @* begin
		sum = 32'd0;
		for (j = 0; j < 256; j = j + 1)
			sum = sum ^ acc[j];
	end
	genvar p;
	generate for (p = 0; p < 256; p = p + 1) begin : pe
`ifdef PE_ALONE
		wire dt, fco, fcb;
		tessera_pe #(.HEAD(p < 16)) u (.clk(clk), .va(run), .firsta(ra == 4'd0),
		    .ra_o(n[4]), .fw_o(n[9:0] == 10'd1), .fa_o(n[4]),
		    .fd_o({x[p % 16], w[p / 16]}), .clr_o(n[11:0] == 12'd2),
		    .da_o(~n[4]), .dc_o(n[5:0] == 6'd3), .dv_o(acc[p]), .dt_o(dt),
		    .x_a(x[p % 16]), .ra_b(ra), .fw_b(fw), .fa_b(ra), .fd_b(w[p / 16]),
		    .fc_o(fco), .fc_b(fcb));
`elsif FLOOR_RF
		floor_pe u (.clk(clk), .v_i(run), .a_i(x[p % 16]), .b_i(w[p / 16]),
		            .ra_i(ra), .fw_i(fw), .acc_o(acc[p]));
`else
		floor_pe u (.clk(clk), .v_i(run), .a_i(x[p % 16]), .b_i(w[p / 16]),
		            .acc_o(acc[p]));
`endif
	end endgenerate
	wire unused = mem_rvalid ^ ^mem_rdata ^ ^mem_rtag;
endmodule
`default_nettype wire
