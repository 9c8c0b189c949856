// bench/pe_floor_rf.v - bench/pe_floor.v with one register file in each
// PE (bench/run.sh, row e): the weight operand is read every cycle from
// a 9-word file (a 3x3 filter, as AlexNet conv3's C|K schedule keeps
// its weights) at an address the top sends, and the file is written 16
// cycles in 256.  The least a PE that keeps a register file does; the
// rest as bench/pe_floor.v (same ports, same harness, same result word).
`default_nettype none
module floor_pe (
	input wire clk,
	input wire v_i,
	input wire [15:0] a_i,
	input wire [15:0] b_i,
	input wire [3:0] ra_i,
	input wire fw_i,
	output wire [31:0] acc_o
);
	/* verilator no_inline_module */
	reg v;
	reg signed [15:0] a;
	reg [3:0] ra;
	reg signed [15:0] rf [0:8];
	reg signed [31:0] acc;
	always @(posedge clk) begin
		v <= v_i;
		a <= a_i;
		ra <= ra_i;
		if (fw_i) rf[ra_i] <= b_i;
		if (v) acc <= acc + a * rf[ra];
	end
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
	reg [3:0] ra;
	wire fw = n[7:4] == 4'd0;
	always @(posedge clk) ra <= (rst || ra == 4'd8) ? 4'd0 : ra + 4'd1;
	reg [31:0] n;
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
		floor_pe u (.clk(clk), .v_i(run), .a_i(x[p % 16]), .b_i(w[p / 16]), .ra_i(ra), .fw_i(fw),
		            .acc_o(acc[p]));
	end endgenerate
	wire unused = mem_rvalid ^ ^mem_rdata ^ ^mem_rtag;
endmodule
`default_nettype wire
